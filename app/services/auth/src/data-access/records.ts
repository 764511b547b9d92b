/** Plain objects the store returns; the domain never sees a database type. */

export interface UserRecord {
  id: string;
  username: string;
  createdAt: Date;
}

export interface StoredCredentials extends UserRecord {
  passwordHash: string;
}

export interface RefreshTokenRecord {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  sessionRevokedAt: Date | null;
  sessionExpiresAt: Date;
}
