import rule from '../../rules/no-table-storage-rewrite.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    // Tables (and indexes) created earlier in the migration hold no rows yet.
    'CREATE TABLE events (id int);\nALTER TABLE events SET LOGGED;',
    'CREATE UNLOGGED TABLE staging (id int);\nALTER TABLE staging SET LOGGED, SET TABLESPACE fast;',
    'CREATE TABLE events (id int);\nCREATE INDEX events_id_idx ON events (id);\nALTER INDEX events_id_idx SET TABLESPACE fast;',
    'CREATE INDEX CONCURRENTLY events_id_idx ON events (id);\nALTER INDEX events_id_idx SET TABLESPACE fast;',
    // Storage parameters and the like change the catalog only.
    'ALTER TABLE events SET (fillfactor = 70);',
    'ALTER TABLE events SET WITHOUT CLUSTER;',
    // Sequences and foreign tables have no table data to copy here.
    'ALTER SEQUENCE events_id_seq SET UNLOGGED;',
    "ALTER FOREIGN TABLE remote_events OPTIONS (ADD fetch_size '1000');",
    // In a string: not SQL.
    "SELECT 'ALTER TABLE events SET LOGGED';",
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events SET LOGGED;',
      line: 1,
      column: 13,
      endLine: 1,
      endColumn: 19,
      message:
        'SET LOGGED on "events" rewrites it and its indexes into new files and writes all of it to WAL while holding ACCESS EXCLUSIVE: blocks reads and writes for as long as that takes',
    },
    { sql: 'ALTER TABLE app.events SET UNLOGGED;', line: 1, column: 13, message: /^SET UNLOGGED on "app\.events" rewrites it .* emptied after a crash and never reach replicas/ },
    { sql: 'ALTER TABLE events SET ACCESS METHOD heap2;', line: 1, column: 13, message: /^SET ACCESS METHOD heap2 on "events" rewrites every row into the new access method while holding ACCESS EXCLUSIVE/ },
    { sql: 'ALTER TABLE IF EXISTS events SET TABLESPACE archive;', line: 1, column: 23, message: /^SET TABLESPACE archive on "events" copies all its data files/ },
    // An index moved: its table's queries wait too.
    { sql: 'ALTER INDEX events_created_idx SET TABLESPACE fast;', line: 1, column: 13, message: /^SET TABLESPACE fast on index "events_created_idx" copies .*: blocks reads and writes of its table/ },
    { sql: 'ALTER MATERIALIZED VIEW daily_totals SET TABLESPACE archive;', line: 1, column: 25, message: /on materialized view "daily_totals"/ },
    // One finding per subcommand.
    { sql: 'ALTER TABLE events SET LOGGED, SET TABLESPACE fast;', line: 1, column: 13, count: 2, message: /^SET LOGGED/ },
    {
      sql: 'ALTER TABLE ALL IN TABLESPACE old_disk SET TABLESPACE new_disk;',
      line: 1,
      column: 1,
      message: 'ALL IN TABLESPACE old_disk SET TABLESPACE new_disk copies the data files of every table there, each under ACCESS EXCLUSIVE: blocks reads and writes of each while it is copied',
    },
    // A table created later in the migration does not count.
    { sql: 'ALTER TABLE events SET LOGGED;\nCREATE TABLE events2 (id int);', line: 1, column: 13 },
    // Raw SQL in code.
    {
      sql: "exports.up = (knex) => knex.raw('ALTER TABLE events SET UNLOGGED');\nexports.down = (knex) => knex.raw('ALTER TABLE events SET LOGGED');\n",
      filename: 'migrations/20240101120000_unlogged.js',
      line: 1,
      column: 46,
      count: 2,
      message: /^SET UNLOGGED on "events"/,
    },
  ],
});
