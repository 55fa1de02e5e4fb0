import 'reflect-metadata';

import { ValidationPipe } from '@nestjs/common';
import { createValidationPipe, FastAccept, VALIDATION_OPTIONS } from '@sunshine/core';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';

import { AppModule } from './app.module';

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
const GENERIC: unknown[] = [
  '',
  ' ',
  'a',
  'x'.repeat(600),
  '210102000000',
  '210102',
  '2026-01',
  '2026-Q1',
  '2026-13',
  '2026-01-31',
  '20',
  '0',
  '-1',
  '101',
  '1.5',
  'true',
  'false',
  '00000000-0000-4000-8000-000000000000',
  'not-a-uuid',
  0,
  1,
  20,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  ['a'],
  ['210102000000', '210102000000'],
  {},
  { a: 1 },
];

/** Values a property is likely valid with: its documented example, default and enum, its IsIn choices. */
function candidates(target: object, property: string): unknown[] {
  const doc = (Reflect.getMetadata(SWAGGER_PROPERTY, (target as { prototype: object }).prototype, property) ?? {}) as {
    example?: unknown;
    enum?: unknown[];
    default?: unknown;
  };
  const rules = getMetadataStorage().getTargetValidationMetadatas(target as new () => object, '', false, false);
  const choices = rules
    .filter((r) => r.propertyName === property && r.name === 'isIn')
    .flatMap((r) => r.constraints[0] as unknown[]);
  const own = [doc.example, doc.default, ...(Array.isArray(doc.enum) ? doc.enum : []), ...choices]
    .filter((v) => v !== undefined)
    .flatMap((v) => [v, String(v)]);
  return own;
}

/** Every class with validation rules in the application. */
function validatedClasses(): object[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  return [...storage.validationMetadatas.keys()].filter((k): k is object => typeof k === 'function');
}

async function outcome(pipe: ValidationPipe, metatype: object, plain: unknown) {
  try {
    const value = await pipe.transform(structuredClone(plain), { type: 'body', metatype: metatype as never });
    return { value: { ...value }, constructor: (value as object).constructor };
  } catch (error) {
    return { error: error as Error, fields: { ...(error as object) } };
  }
}

describe('the validation pipe (FastAccept before class-validator)', () => {
  beforeAll(() => expect(AppModule).toBeDefined()); // every DTO of the app is loaded with it

  it('answers exactly as class-validator alone for every DTO of the app, on generated input', async () => {
    const fast = createValidationPipe();
    const reference = new ValidationPipe(VALIDATION_OPTIONS); // class-validator decides everything
    const classes = validatedClasses();
    expect(classes.length).toBeGreaterThan(40);
    const accepts = jest.spyOn(FastAccept.prototype, 'accepts');
    let cases = 0;
    let valid = 0;
    for (const target of classes) {
      const properties = [
        ...new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(target as new () => object, '', false, false)
            .map((r) => r.propertyName),
        ),
      ];
      const field = (p: string) => {
        const own = candidates(target, p);
        const value = own.length
          ? fc.oneof(
              { arbitrary: fc.constantFrom(...own), weight: 6 },
              { arbitrary: fc.constantFrom(...GENERIC), weight: 1 },
            )
          : fc.constantFrom(...GENERIC);
        return fc.option(value, { freq: 3, nil: undefined }); // absent one time in three
      };
      const input = fc.record({
        known: fc.record(Object.fromEntries(properties.map((p) => [p, field(p)]))),
        extra: fc.oneof(
          { arbitrary: fc.constant({}), weight: 7 },
          { arbitrary: fc.constantFrom({ unknown: 'x' }, { constructor: 'x' }), weight: 1 },
        ),
      });
      await fc.assert(
        fc.asyncProperty(input, async ({ known, extra }) => {
          const plain = Object.fromEntries(Object.entries({ ...known, ...extra }).filter(([, v]) => v !== undefined));
          const [a, b] = await Promise.all([outcome(fast, target, plain), outcome(reference, target, plain)]);
          expect(a).toEqual(b);
          cases++;
          if ('value' in a) valid++;
        }),
        { numRuns: 300, seed: 20261204 },
      );
    }
    const fastYes = accepts.mock.results.filter((r) => r.value === true).length;
    accepts.mockRestore();
    console.log(
      `validation pipe: ${cases} cases over ${classes.length} classes, ${valid} valid, ${fastYes} accepted without class-validator`,
    );
    // Not vacuous: many inputs were valid; and the fast path recognised every one of them (no DTO of
    // the app has a rule it leaves to class-validator), so that no valid request pays for both.
    expect(valid).toBeGreaterThan(cases / 5);
    expect(fastYes).toBe(valid);
  });
});
