import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Syslog stamps and `ausearch -i` dates are local time: the fixtures were made in UTC.
    env: { TZ: 'UTC' },
  },
});
