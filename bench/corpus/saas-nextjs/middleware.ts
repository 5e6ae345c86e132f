import { NextResponse, type NextRequest } from 'next/server';

/** Sends signed-out visitors of the dashboard to the login page. API routes check the session themselves. */
export function middleware(request: NextRequest) {
  if (!request.cookies.get('session')) {
    return NextResponse.redirect(new URL(`/login?next=${encodeURIComponent(request.nextUrl.pathname)}`, request.url));
  }
  return NextResponse.next();
}

export const config = {
  // safe: Permissions
  matcher: ['/projects/:path*', '/settings/:path*', '/billing/:path*'],
};
