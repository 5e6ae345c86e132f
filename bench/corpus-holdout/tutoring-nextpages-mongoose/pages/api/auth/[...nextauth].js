import NextAuth from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import bcrypt from 'bcryptjs';
import dbConnect from '../../../lib/db';
import { User } from '../../../lib/models';

export const authOptions = {
  session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
  providers: [
    CredentialsProvider({
      name: 'Email',
      credentials: {
        email: { label: 'Email', type: 'email' },
        password: { label: 'Password', type: 'password' },
      },
      // vuln: Security
      async authorize(credentials, req) {
        await dbConnect();
        const user = await User.findOne({
          // safe: Security
          email: String(credentials?.email ?? '').toLowerCase(),
          // safe: Data Lifecycle
          deletedAt: null,
        }).select('+passwordHash');
        if (!user || user.suspended) return null;

        const ok = await bcrypt.compare(String(credentials?.password ?? ''), user.passwordHash);
        if (!ok) return null;

        await User.updateOne(
          { _id: user._id },
          // vuln: Data Lifecycle
          { $push: { logins: { at: new Date(), ip: req?.headers?.['x-forwarded-for'], userAgent: req?.headers?.['user-agent'] } } },
        );
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      // vuln: Permissions
      if (user) token.role = user.role;
      return token;
    },
    async session({ session, token }) {
      session.user.id = token.sub;
      session.user.role = token.role;
      return session;
    },
  },
  pages: { signIn: '/login' },
};

export default NextAuth(authOptions);
