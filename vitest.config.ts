import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/build.ts'],
    testTimeout: 30_000,
    // Tests never reach the network: no key from the developer's shell may switch the agents on.
    env: { ANTHROPIC_API_KEY: '', ANTHROPIC_BASE_URL: '' },
    hookTimeout: 120_000,
  },
});
