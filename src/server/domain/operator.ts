import type { ServerRole } from '../../shared/protocol.js';
import { badRequest, conflict, DomainError } from './errors.js';

/**
 * The rules of the operator CLI (`parley promote`, `demote`, `deactivate`…): what an operator
 * may do to an account from the server's shell. Pure: the service reads the facts, asks here,
 * and only then writes.
 */

/** The roles an operator hands out; guests and bots are what they are from the start. */
export const OPERATOR_ROLES = ['admin', 'moderator', 'member'] as const satisfies readonly ServerRole[];
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export function parseOperatorRole(value: string | undefined): OperatorRole {
  const role = OPERATOR_ROLES.find((r) => r === value);
  if (!role) {
    throw badRequest(
      `the role must be one of ${OPERATOR_ROLES.join(', ')}${value ? `, not "${value}"` : ''}`,
    );
  }
  return role;
}

/** The facts about one account that the rules look at. */
export interface Target {
  username: string;
  role: ServerRole;
  guest: boolean;
  deactivated: boolean;
}

/** Only accounts have roles, passwords and sign-in links: a guest is a name without them. */
export function mustBeAccount(target: Target): void {
  if (target.guest) throw badRequest(`${target.username} is a guest: only accounts can be changed this way`);
}

/**
 * The server must keep an admin who can act: the last active admin is not demoted or
 * deactivated (promote someone else first).
 */
export function keepsAnAdmin(target: Target, activeAdmins: number, change: 'demote' | 'deactivate'): void {
  if (target.role === 'admin' && !target.deactivated && activeAdmins <= 1) {
    const what = change === 'demote' ? 'demoted' : 'deactivated';
    throw conflict(
      `${target.username} is the last admin of this server and cannot be ${what}: promote another account to admin first (parley promote <username> admin)`,
    );
  }
}

/** A sign-in link lets someone in: not into an account an admin has shut. */
export function mayGetSignInLink(target: Target): void {
  mustBeAccount(target);
  if (target.deactivated) {
    throw new DomainError(
      'forbidden',
      `${target.username} is deactivated: reactivate the account first (parley reactivate ${target.username})`,
    );
  }
}
