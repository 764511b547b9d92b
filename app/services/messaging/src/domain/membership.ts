import { AppError, notFound } from "@parley/errors";
import type { Membership } from "../data-access/messaging-store";

/** Non-members learn nothing: a conversation they are not in answers like one that does not exist. */
export function requireMember(membership: Membership | undefined): Membership {
  if (!membership) throw notFound("No such conversation.");
  return membership;
}

/** Member management is for groups, and within a group for its admins. */
export function requireGroupAdmin(membership: Membership): void {
  if (membership.kind !== "group") {
    throw new AppError("failed_precondition", "A direct conversation has no members to manage.");
  }
  if (membership.role !== "admin") {
    throw new AppError("permission_denied", "Only the group's admins can manage its members.");
  }
}
