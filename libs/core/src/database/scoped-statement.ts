import { FieldDef, PoolClient, Query, QueryResult } from 'pg';

import { closeEvicted, describeRows, forgetStaleStatement, statementName } from './named-statements';
import { RowScopeSettings, SET_ROW_SCOPE } from './row-scope';

/** The scope's statement, prepared once per connection under this name. */
const SCOPE_STATEMENT = 'sunshine_set_scope';

/** Connections (node-postgres' protocol connection of a client) that hold SCOPE_STATEMENT. */
const prepared = new WeakSet<object>();

/** What node-postgres' Query does with the connection that its public type does not show. */
interface ProtocolConnection {
  parse(config: { text: string; name: string; types: number[] }): void;
  bind(config: { portal: string; statement: string; values: string[] }): void;
  execute(config: { portal: string; rows: number }): void;
}

/**
 * One statement and the row scope it runs under, in one round trip: the scope's `set_config(…,
 * true)` and the statement go out as two extended-protocol executions before a single Sync, which
 * PostgreSQL runs as one implicit transaction (the settings hold for the statement and end with
 * it). node-postgres sends each query's messages and then Sync; this query puts the scope's
 * messages first and keeps the statement's result (the last of the two). The scope's statement is
 * prepared on the connection once (its first completion marks it so).
 */
class ScopedQuery extends Query {
  private scopeDone = false;
  /** Set by prepare, which node-postgres calls before any reply to the statement arrives. */
  private connection: object = {};

  constructor(
    private readonly sql: string,
    values: unknown[],
    private readonly settings: RowScopeSettings,
    callback: (error: Error | undefined, results: QueryResult | QueryResult[]) => void,
  ) {
    super(sql, values, callback as never); // not a config object: see NamedQuery
  }

  /** Always the extended protocol (a statement without parameters too). */
  requiresPreparation(): boolean {
    return true;
  }

  prepare(connection: ProtocolConnection): void {
    this.connection = connection;
    if (!prepared.has(connection)) connection.parse({ text: SET_ROW_SCOPE, name: SCOPE_STATEMENT, types: [] });
    connection.bind({ portal: '', statement: SCOPE_STATEMENT, values: this.settings });
    connection.execute({ portal: '', rows: 0 });
    // Named (NamedStatementClient) once the scope's statement is prepared: only one Parse then goes
    // out, whose completion node-postgres takes for this statement's.
    const named = prepared.has(connection) ? statementName(connection, this.sql) : undefined;
    if (named) {
      closeEvicted(connection, named);
      (this as { name?: string }).name = named.name;
    }
    (Query.prototype as unknown as { prepare(c: ProtocolConnection): void }).prepare.call(this, connection);
  }

  /** The statement's rows (the scope's statement has none), set up once per name (describeRows). */
  handleRowDescription(message: { fields: FieldDef[] }): void {
    describeRows(this, this.connection, (this as { name?: string }).name, message.fields);
  }

  /** The first completion is the scope's: its statement is prepared on this connection from now on. */
  handleCommandComplete(message: unknown, connection: object): void {
    if (!this.scopeDone) {
      this.scopeDone = true;
      prepared.add(connection);
    }
    (Query.prototype as unknown as { handleCommandComplete(m: unknown, c: object): void }).handleCommandComplete.call(
      this,
      message,
      connection,
    );
  }
}

/**
 * Whether `client` may go back to the pool after a failed scoped statement: only once it holds the
 * scope's statement (a failure before that leaves it unknown whether the statement was prepared).
 */
export function reusableAfterFailure(client: PoolClient): boolean {
  return prepared.has((client as unknown as { connection: object }).connection);
}

/**
 * Runs `sql` with `params` on `client` under the scope whose settings are `settings`
 * (rowScopeParameters). A statement refused for a stale prepared plan (forgetStaleStatement) ran
 * in its own implicit transaction and changed nothing: it runs again once, named afresh.
 */
export function queryScoped(
  client: PoolClient,
  sql: string,
  params: unknown[],
  settings: RowScopeSettings,
  retry = true,
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    void client.query(
      new ScopedQuery(sql, params, settings, (error, results) => {
        if (!error) return resolve(Array.isArray(results) ? (results[results.length - 1] as QueryResult) : results);
        const connection = (client as unknown as { connection: object }).connection;
        if (forgetStaleStatement(connection, sql, error) && retry)
          return resolve(queryScoped(client, sql, params, settings, false));
        reject(error);
      }),
    );
  });
}
