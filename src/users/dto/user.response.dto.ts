export class UserResponseDto {
  id: string;
  name: string;
  email: string | null;
  role: 'admin' | 'staff' | 'compliance';
  /** Set for users created by signing in through OpenID Connect. */
  oidcIssuer: string | null;
  oidcSubject: string | null;
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
