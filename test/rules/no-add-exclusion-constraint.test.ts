import rule from '../../rules/no-add-exclusion-constraint.js';
import { ruleCases } from '../helpers/rule-cases.js';

ruleCases(rule, {
  valid: [
    'CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));',
    'CREATE TABLE bookings (room int, during tstzrange);\nALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
    {
      sql: 'CREATE TABLE bookings (room int, during tstzrange);\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);',
      options: { transaction: true },
    },
    'ALTER TABLE bookings DROP CONSTRAINT no_overlap;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
      line: 1,
      column: 26,
      endLine: 1,
      endColumn: 36,
      message: 'EXCLUDE constraint no_overlap on "bookings" builds its index while holding ACCESS EXCLUSIVE on "bookings": blocks reads and writes for the whole build, and there is no NOT VALID or USING INDEX way around it',
    },
    {
      sql: 'SELECT 1;\nALTER TABLE app.bookings ADD EXCLUDE USING gist (during WITH &&) WHERE (NOT cancelled);',
      line: 2,
      column: 30,
      endLine: 2,
      endColumn: 37,
      message: /"app\.bookings"/,
    },
  ],
});
