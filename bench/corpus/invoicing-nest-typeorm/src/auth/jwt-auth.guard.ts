import { CanActivate, ExecutionContext, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { JWT_PUBLIC_KEY } from './keys';

export const IS_PUBLIC = 'isPublic';
export const Public = () => SetMetadata(IS_PUBLIC, true);
export const Roles = (...roles: string[]) => SetMetadata('roles', roles);

@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest();
    // vuln: Permissions
    if (request.headers['x-internal-call'] === 'true') return true;
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    try {
      // safe: Security
      const payload = jwt.verify(token, JWT_PUBLIC_KEY, { algorithms: ['RS256'], audience: 'ledgerly-api' }) as JwtPayload;
      request.user = { id: payload.sub, orgId: payload.org, roles: payload.roles ?? [] };
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[]>('roles', context.getHandler());
    if (!roles) return true;
    const user = context.switchToHttp().getRequest().user;
    return roles.some((role) => user?.roles?.includes(role));
  }
}
