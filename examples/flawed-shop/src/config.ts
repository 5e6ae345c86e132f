import 'dotenv/config';

export const config = {
  env: process.env.NODE_ENV ?? 'development',
  port: Number(process.env.PORT ?? 3000),
  appUrl: process.env.APP_URL ?? 'http://localhost:5173',
  jwtSecret: process.env.JWT_SECRET as string,
  jwtExpiresIn: '7d' as const,
  shippingApiUrl: process.env.SHIPPING_API_URL ?? 'https://api.parcelrate.io/v2',
  shippingApiKey: process.env.SHIPPING_API_KEY ?? '',
  warehousePostcode: process.env.WAREHOUSE_POSTCODE ?? '97214',
  mailFrom: process.env.MAIL_FROM ?? 'Larkspur Goods <orders@larkspurgoods.com>',
  smtp: {
    host: process.env.SMTP_HOST ?? 'localhost',
    port: Number(process.env.SMTP_PORT ?? 587),
    user: process.env.SMTP_USER,
    pass: process.env.SMTP_PASS,
  },
};
