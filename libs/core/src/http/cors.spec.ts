import { corsPolicy } from './cors';

describe(corsPolicy.name, () => {
  it('allows no origin in production when CORS_ORIGINS is unset', () => {
    expect(corsPolicy(undefined, 'production')).toEqual({ origins: [], anyOriginReads: false });
  });

  it.each(['development', 'test'])('lets any origin read in %s when CORS_ORIGINS is unset', (env) => {
    expect(corsPolicy(undefined, env)).toEqual({ origins: [], anyOriginReads: true });
  });

  it('reads a list of origins, with or without `*`, and `none`', () => {
    expect(corsPolicy('https://a.example, https://b.example:8443', 'production')).toEqual({
      origins: ['https://a.example', 'https://b.example:8443'],
      anyOriginReads: false,
    });
    expect(corsPolicy('*,https://a.example', 'production')).toEqual({
      origins: ['https://a.example'],
      anyOriginReads: true,
    });
    expect(corsPolicy('none', 'development')).toEqual({ origins: [], anyOriginReads: false });
  });
});
