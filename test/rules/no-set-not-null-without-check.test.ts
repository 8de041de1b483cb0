import rule from '../../rules/no-set-not-null-without-check.js';
import { ruleCases } from '../helpers/rule-cases.js';

const setNotNull = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;';
const addCheck = 'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;';
const validate = 'ALTER TABLE users VALIDATE CONSTRAINT email_nn;';

ruleCases(rule, {
  valid: [
    // The recommended sequence, in separate transactions.
    `BEGIN;\n${addCheck}\nCOMMIT;\nBEGIN;\n${validate}\n${setNotNull}\nCOMMIT;`,
    { sql: `${addCheck}\n${validate}\n${setNotNull}`, options: { transaction: false } },
    // Unknown transaction handling: the proof is accepted.
    `${addCheck}\n${validate}\n${setNotNull}`,
    // Table created earlier in the migration, wrapped or not.
    'CREATE TABLE users (email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    { sql: 'CREATE TABLE users (email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;', options: { transaction: true } },
    'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    // PostgreSQL 18: NOT NULL NOT VALID, validated separately.
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT email_nn NOT NULL email NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      options: { pgVersion: 18, transaction: false },
    },
  ],
  invalid: [
    {
      sql: setNotNull,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 50,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
    {
      sql: 'ALTER TABLE users ALTER email SET NOT NULL, ALTER name SET NOT NULL;',
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 68,
      count: 2,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
    // The CHECK is never validated.
    {
      sql: `${addCheck}\n${setNotNull}`,
      options: { transaction: false },
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 50,
      message: /NOT VALID and never validated/,
    },
    // Validated, but in the same transaction as its add: the scan ran under ACCESS EXCLUSIVE anyway.
    {
      sql: `${addCheck}\n${validate}\n${setNotNull}`,
      options: { transaction: true },
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 50,
      message: /same transaction as its add \(line 1\)/,
    },
    { sql: `BEGIN;\n${addCheck}\n${validate}\nCOMMIT;\n${setNotNull}`, line: 5, column: 1, endLine: 5, endColumn: 50, message: /same transaction/ },
    // Added without NOT VALID: validated as it was added, under ACCESS EXCLUSIVE.
    {
      sql: `ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL);\n${setNotNull}`,
      options: { transaction: false },
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 50,
      message: /validated as it was added/,
    },
    // A check on another column, or another table, proves nothing.
    {
      sql: `ALTER TABLE users ADD CONSTRAINT c CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;\n${setNotNull}`,
      options: { transaction: false },
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 50,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
    {
      sql: `ALTER TABLE accounts ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE accounts VALIDATE CONSTRAINT email_nn;\n${setNotNull}`,
      options: { transaction: false },
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 50,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
    // Dropped before the SET NOT NULL.
    {
      sql: `${addCheck}\n${validate}\nALTER TABLE users DROP CONSTRAINT email_nn;\n${setNotNull}`,
      options: { transaction: false },
      line: 4,
      column: 1,
      endLine: 4,
      endColumn: 50,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
    // Before PostgreSQL 12 the CHECK does not help.
    {
      sql: `${addCheck}\n${validate}\n${setNotNull}`,
      options: { transaction: false, pgVersion: 11 },
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 50,
      message: /before PostgreSQL 12/,
    },
    // PostgreSQL 18 table NOT NULL constraint added validated.
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT email_nn NOT NULL email;',
      options: { pgVersion: 18 },
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 57,
      message: /takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned/,
    },
    // Inside a DO block.
    {
      sql: 'DO $$ BEGIN\n  ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nEND $$;',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 52,
      message: 'SET NOT NULL on "users".email takes ACCESS EXCLUSIVE on "users": blocks reads and writes while every row is scanned; first add CHECK (email IS NOT NULL) NOT VALID and VALIDATE it in a separate transaction',
    },
  ],
});
