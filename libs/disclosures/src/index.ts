export * from './content.repository';
export * from './disclosures.module';
export * from './disclosures.repository';
export * from './ledger/ledger.repository';
export * from './ledger/publication.service';
export * from './ledger/verify-ledger';
export * as PublicFields from './pii/public-fields';
export * from './public/public.repository';
