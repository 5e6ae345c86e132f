/** A run's id: its UTC start to the second and six hex digits, e.g. 20261201T160000Z-a1b2c3. */
const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export function isRunId(text: string): boolean {
  return RUN_ID.test(text);
}
