import { describe, expect, it } from 'vitest';
import type { Migration } from '../../src/ir/types.js';
import { CONTRIB_APPS, createContribTables, outsideApps } from '../../src/validate/django-contrib.js';
import { TrialDatabase } from '../../src/validate/trial-db.js';

const django = (id: string, parents: string[], creates?: string) =>
  ({ format: 'django', graph: { id, parents }, up: { statements: creates ? [{ kind: 'CreateStmt', node: { relation: { relname: creates } } }] : [] } }) as unknown as Migration;

describe('Django apps outside the project', () => {
  it('names the contrib apps to create, those they need first, and the apps it cannot create', () => {
    const apps = outsideApps([
      django('shop.0001_initial', ['admin.0003_logentry_add_action_flag_choices', 'redirects.__first__']),
      django('shop.0002_task', ['shop.0001_initial', 'oauth2_provider.0001_initial', '__setting__.settings.OTHER_MODEL']),
      // An app the project holds itself (a replacement of auth) is not created.
      django('accounts.0001_initial', ['auth.__first__']),
      django('auth.0001_initial', ['contenttypes.__first__']),
    ]);
    expect(apps).toEqual({ contrib: ['contenttypes', 'admin', 'sites', 'redirects'], unknown: ['oauth2_provider'], ownUserTable: false });
    expect(outsideApps([{ format: 'alembic', graph: { id: 'a1', parents: ['a0'] }, up: { statements: [] } } as unknown as Migration])).toEqual({
      contrib: [],
      unknown: [],
      ownUserTable: false,
    });
  });

  it("leaves auth's user table to a project whose own user model keeps the table auth_user", async () => {
    const apps = outsideApps([django('users.0001_initial', ['auth.0012_alter_user_first_name_max_length'], 'auth_user')]);
    expect(apps).toEqual({ contrib: ['contenttypes', 'auth'], unknown: [], ownUserTable: true });
    const db = await TrialDatabase.create();
    try {
      expect(await createContribTables(db, apps.contrib, apps.ownUserTable)).toEqual([]);
      const tables = await db.query<{ t: string }>(`SELECT relname AS t FROM pg_class WHERE relkind = 'r' AND relname ~ '^(django|auth)_' ORDER BY 1`);
      expect(tables.map((r) => r.t)).toEqual(['auth_group', 'auth_group_permissions', 'auth_permission', 'django_content_type']);
    } finally {
      await db.close();
    }
  });

  it("creates every contrib app's tables on PostgreSQL, and reports an app whose tables cannot be made", async () => {
    const db = await TrialDatabase.create();
    try {
      const order = outsideApps([django('x.0001_initial', Object.keys(CONTRIB_APPS).map((app) => `${app}.__first__`))]).contrib;
      expect(order).toEqual(['contenttypes', 'auth', 'admin', 'sites', 'flatpages', 'redirects', 'sessions']);
      // Without the tables their foreign keys point at (the project holds an auth app of its
      // own, whose migrations have not run yet): not made, and said so; nothing of them stays.
      expect(await createContribTables(db, ['auth', 'admin'])).toEqual(['auth', 'admin']);
      expect(await createContribTables(db, ['contenttypes', 'admin'])).toEqual(['admin']);
      expect(await createContribTables(db, order.slice(1))).toEqual([]);
      const tables = await db.query<{ t: string }>(`SELECT relname AS t FROM pg_class WHERE relkind = 'r' AND relname ~ '^(django|auth)_' ORDER BY 1`);
      expect(tables.map((r) => r.t)).toEqual([
        'auth_group',
        'auth_group_permissions',
        'auth_permission',
        'auth_user',
        'auth_user_groups',
        'auth_user_user_permissions',
        'django_admin_log',
        'django_content_type',
        'django_flatpage',
        'django_flatpage_sites',
        'django_redirect',
        'django_session',
        'django_site',
      ]);
    } finally {
      await db.close();
    }
  });
});
