import { Client, DatabaseError, FieldDef, Query, QueryResult } from 'pg';

/**
 * Named (prepared) statements for the application's connections: the first execution of a
 * parameterised statement on a connection parses it under a name, and later ones only bind and
 * execute it. PostgreSQL then keeps its parse tree, its rewriting (the tables' row-level security
 * policies included) and, once its generic plan proves as cheap as the custom ones, its plan
 * (plan_cache_mode `auto`), instead of doing all of it again for every request.
 *
 * Bounded: a connection keeps the NAMED_STATEMENTS_PER_CONNECTION texts it ran last (of at most
 * NAMED_STATEMENT_MAX_LENGTH characters; longer ones run unnamed, as do plannedForValues); naming
 * another closes the one used longest ago on the server (a protocol Close before the new Parse).
 * Only statements with parameters are named: node-postgres sends those by the extended protocol
 * already (one statement per text), where a text without parameters goes by the simple protocol,
 * which may hold several.
 */
export const NAMED_STATEMENTS_PER_CONNECTION = 100;

/** How a text that must be planned for its values begins (plannedForValues). */
const PLANNED_FOR_VALUES = '/* planned for its values */ ';

/**
 * `sql`, marked to run unnamed: PostgreSQL plans an unnamed statement for the values it is given,
 * every time. For a statement whose best plan depends on the size of what its values pick — a page
 * of a subtree in time order: a village's rows by the region's index, a province's by walking the
 * time index — where a prepared statement's generic plan would be one of them for every subtree.
 */
export function plannedForValues(sql: string): string {
  return PLANNED_FOR_VALUES + sql;
}

export const NAMED_STATEMENT_MAX_LENGTH = 16_384;

/** A connection's named texts, least recently used first (a Map keeps insertion order). */
interface Names {
  byText: Map<string, string>;
  /** Names given so far: the next one's number. */
  given: number;
  /** Stale names (forgetStaleStatement) still prepared on the server, closed at the next naming. */
  stale: string[];
  /** The row description of each name in use (describeRows). */
  shapes: Map<string, RowShape>;
}

/** By node-postgres' protocol connection of a client. */
const names = new WeakMap<object, Names>();

/** The name `text` runs under on `connection`, and the statements to close first (closeEvicted). */
export interface StatementName {
  name: string;
  close: string[];
}

/**
 * The name `text` runs under on `connection`, or undefined to run it unnamed. Each naming gives a
 * new name (the connection's count of names given), so that a closed or stale name is never
 * reused.
 */
export function statementName(connection: object, text: string): StatementName | undefined {
  if (text.length > NAMED_STATEMENT_MAX_LENGTH || text.startsWith(PLANNED_FOR_VALUES)) return undefined;
  let own = names.get(connection);
  if (!own) names.set(connection, (own = { byText: new Map(), given: 0, stale: [], shapes: new Map() }));
  const known = own.byText.get(text);
  if (known !== undefined) {
    own.byText.delete(text);
    own.byText.set(text, known);
    return { name: known, close: [] };
  }
  const close = own.stale.splice(0);
  if (own.byText.size >= NAMED_STATEMENTS_PER_CONNECTION) {
    const [oldest, oldestName] = own.byText.entries().next().value as [string, string];
    own.byText.delete(oldest);
    close.push(oldestName);
  }
  const name = `sunshine_s${own.given++}`;
  own.byText.set(text, name);
  return { name, close };
}

/** What node-postgres' protocol connection has that its public type does not show. */
interface ProtocolConnection {
  close(config: { type: 'S'; name: string }): void;
  parsedStatements: Record<string, string>;
}

/**
 * Closes the statements `named` makes room by, on the server (a Close message in the pipeline of
 * the statement about to be parsed) and in node-postgres' record of what the connection holds.
 */
export function closeEvicted(connection: object, named: StatementName): void {
  const protocol = connection as ProtocolConnection;
  const shapes = names.get(connection)?.shapes;
  for (const name of named.close) {
    protocol.close({ type: 'S', name });
    delete protocol.parsedStatements[name];
    shapes?.delete(name);
  }
}

/**
 * After `error` from a named statement: a plan PostgreSQL can no longer use as prepared (a
 * migration changed a table under it: "cached plan must not change result type", SQLSTATE 0A000)
 * is forgotten (and closed at the connection's next naming), so that the text's next execution
 * parses it anew under another name. True when it was such an error.
 */
export function forgetStaleStatement(connection: object, text: string, error: unknown): boolean {
  const stale = error instanceof DatabaseError && error.code === '0A000' && /cached plan/.test(error.message);
  const own = names.get(connection);
  const name = own?.byText.get(text);
  if (stale && own && name !== undefined) {
    own.byText.delete(text);
    own.stale.push(name);
    own.shapes.delete(name);
  }
  return stale;
}

/** What node-postgres' Result keeps of a row description: the fields, a parser per field, the empty row it copies for each row. */
interface RowShape {
  fields: FieldDef[];
  parsers: unknown[];
  emptyRow: object;
}

/** What node-postgres' Query and Result do with a row description that their public types do not show. */
interface DescribedQuery {
  _checkForMultirow(): void;
  _result: {
    addFields(fields: FieldDef[]): void;
    fields: FieldDef[];
    _parsers: unknown[];
    _prebuiltEmptyResultObject: object;
  };
  _accumulateRows: boolean;
  callback?: unknown;
  listeners(event: 'row'): unknown[];
}

/**
 * `query`'s handling of the row description `fields` (node-postgres' Query#handleRowDescription),
 * which for statement `name` on `connection` sets its result up from the first execution's: a
 * named statement's rows keep their shape on its connection (a changed result type fails the
 * statement, forgetStaleStatement, and a name is never given twice), so the fields' parsers and
 * the empty row are looked up once per name, not again for every execution (about 12 µs for a
 * row of 45 columns). Unnamed (`name` undefined): as node-postgres does it.
 */
export function describeRows(query: Query, connection: object, name: string | undefined, fields: FieldDef[]): void {
  const q = query as unknown as DescribedQuery;
  q._checkForMultirow();
  const result = q._result;
  const shapes = name === undefined ? undefined : names.get(connection)?.shapes;
  const shape = name === undefined ? undefined : shapes?.get(name);
  if (shape) {
    result.fields = shape.fields;
    result._parsers = shape.parsers;
    result._prebuiltEmptyResultObject = shape.emptyRow;
  } else {
    result.addFields(fields);
    if (name !== undefined)
      shapes?.set(name, {
        fields: result.fields,
        parsers: result._parsers,
        emptyRow: result._prebuiltEmptyResultObject,
      });
  }
  q._accumulateRows = Boolean(q.callback) || !q.listeners('row').length;
}

/**
 * node-postgres' Client, naming the parameterised statements passed as text and values (how
 * TypeORM and pg's Pool call it). Given to pools as their `Client` (APPLICATION_POOL_EXTRA). A
 * statement refused for a stale plan outside a transaction (it changed nothing) runs again once,
 * named afresh; inside one, the transaction has failed and the error goes to its caller.
 */
export class NamedStatementClient extends Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads, passed through
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config !== 'string' || !Array.isArray(values) || values.length === 0)
      return super.query(config, values, callback);
    const result = this.named(config, values, true);
    if (typeof callback !== 'function') return result;
    result.then(
      (r) => callback(null, r),
      (e: unknown) => callback(e),
    );
  }

  private named(text: string, values: unknown[], retry: boolean): Promise<QueryResult> {
    const connection = (this as unknown as { connection: object }).connection;
    const named = statementName(connection, text);
    if (named === undefined) return super.query(text, values);
    return new Promise((resolve, reject) => {
      const query = new NamedQuery(named, text, values, (error: Error | null, result: QueryResult) => {
        if (!error) return resolve(result);
        // Called before the statement's own ReadyForQuery: the status is the one it started in.
        const idle = (this as unknown as { getTransactionStatus(): string | null }).getTransactionStatus() === 'I';
        if (forgetStaleStatement(connection, text, error) && idle && retry)
          return resolve(this.named(text, values, false));
        reject(error);
      });
      void super.query(query);
    });
  }
}

/** A named statement that first closes those it makes room by (statementName). */
class NamedQuery extends Query {
  constructor(
    private readonly named: StatementName,
    text: string,
    values: unknown[],
    callback: (error: Error | null, result: QueryResult) => void,
  ) {
    // Text and values, not a config object, which node-postgres copies property by property
    // (descriptors) on every query; the name is what its constructor would have taken from one.
    super(text, values, callback as never);
    (this as { name?: string }).name = named.name;
  }

  /** Set by prepare, which node-postgres calls before any reply to the statement arrives. */
  private connection: object = {};

  prepare(connection: object): void {
    this.connection = connection;
    closeEvicted(connection, this.named);
    (Query.prototype as unknown as { prepare(c: object): void }).prepare.call(this, connection);
  }

  handleRowDescription(message: { fields: FieldDef[] }): void {
    describeRows(this, this.connection, this.named.name, message.fields);
  }
}
