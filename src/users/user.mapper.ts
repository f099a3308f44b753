import { UserResponseDto } from './dto/user.response.dto.js';
import { User } from './user.entity.js';

export const toUserResponse = (u: User): UserResponseDto => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  oidcIssuer: u.oidcIssuer,
  oidcSubject: u.oidcSubject,
  active: u.active,
  version: u.version,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});
