import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lint } from '../../../src/lint.js';
import { statements } from './helpers.js';

/** A project whose Alembic migrations use types it defines itself, as prefect's do, its migrations seven folders deep. */
let dir: string;
const VERSIONS = path.join('src', 'app', 'server', 'database', 'migrations', 'versions', 'postgresql');

const TYPES = `import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import CHAR, TypeDecorator

from .base import Stamp


class Timestamp(TypeDecorator):
    impl = sa.TIMESTAMP(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TIMESTAMP(timezone=True))
        elif dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME())
        else:
            return dialect.type_descriptor(sa.TIMESTAMP(timezone=True))


class JSON(TypeDecorator):
    impl: type = postgresql.JSONB


class Pydantic(TypeDecorator):
    impl = JSON


class UUID(TypeDecorator):
    impl = CHAR

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.UUID())
        return dialect.type_descriptor(CHAR(36))


class Created(Stamp):
    pass
`;

const BASE = `from sqlalchemy.types import TypeDecorator, Date


class Stamp(TypeDecorator):
    impl = Date
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migratelint-sa-types-'));
  fs.mkdirSync(path.join(dir, VERSIONS), { recursive: true });
  fs.mkdirSync(path.join(dir, 'src', 'app', 'utilities'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'app', 'utilities', 'database.py'), TYPES);
  fs.writeFileSync(path.join(dir, 'src', 'app', 'utilities', 'base.py'), BASE);
  fs.writeFileSync(
    path.join(dir, VERSIONS, 'a1_initial.py'),
    `import sqlalchemy as sa
from alembic import op
import app.utilities.database
from app.utilities.database import Pydantic

revision = 'a1'
down_revision = None


def upgrade():
    op.create_table(
        'flow_run',
        sa.Column('id', app.utilities.database.UUID(), primary_key=True),
        sa.Column('created', app.utilities.database.Timestamp(timezone=True), nullable=False),
        sa.Column('state', Pydantic(), nullable=True),
        sa.Column('tags', app.utilities.database.JSON(), nullable=True),
        sa.Column('day', app.utilities.database.Created(), nullable=True),
        sa.Column('other', vendor.types.Money(), nullable=True),
    )


def downgrade():
    op.drop_table('flow_run')
`,
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("SQLAlchemy types of the project's own", () => {
  it("types a column as the type compiles for PostgreSQL: load_dialect_impl's branch, impl, a base type, through other modules", async () => {
    const result = await lint([VERSIONS], { cwd: path.join(dir) });
    const [create] = statements(result.migrations[0]);
    expect(create.replace(/^\S+ \S+ /, '').replace(/\s+/g, ' ')).toBe(
      'CREATE TABLE "flow_run" ( "id" UUID NOT NULL, "created" TIMESTAMP WITH TIME ZONE NOT NULL, "state" JSONB, "tags" JSONB, "day" DATE, "other" "money", PRIMARY KEY ("id") )',
    );
    // The modules read are inputs of the lowering (a change to them is seen by the cache).
    expect(result.migrations[0].inputs).toEqual([path.join('src', 'app', 'utilities', 'base.py'), path.join('src', 'app', 'utilities', 'database.py')]);
  });
});
