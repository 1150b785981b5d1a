import { expect, test } from 'vitest';
import { policyUsers, standardUsers } from './broker-users.ts';

test('the standard policy as per-user allowances: read-only topics only in subscribe, pattern rules for everyone', () => {
  expect(standardUsers()).toEqual([
    { username: 'alice', password: 'alice-secret', publish: ['alice/#', 'users/%u/#'], subscribe: ['alice/#', 'public/#', 'users/%u/#'] },
    { username: 'bob', password: 'bob-secret', publish: ['bob/#', 'users/%u/#'], subscribe: ['bob/#', 'users/%u/#'] },
  ]);
});

test('write-only rules land in publish only; a user without rules may do nothing', () => {
  const users = policyUsers({ users: [{ name: 'w', password: 'p' }, { name: 'none', password: 'q' }], rules: [{ user: 'w', access: 'write', topic: 'in/#' }] });
  expect(users[0]).toMatchObject({ publish: ['in/#'], subscribe: [] });
  expect(users[1]).toMatchObject({ publish: [], subscribe: [] });
});
