import type { Strictness } from '../model/context.js';
import type { Finding } from '../model/finding.js';
import type { LaunchClass } from '../model/taxonomy.js';

/**
 * Stop-ship / fix-soon / acceptable-risk, from severity and the launch's strictness.
 * low (internal): CRITICAL stops; HIGH is fix-soon; the rest acceptable.
 * medium (beta, unknown): CRITICAL stops; HIGH and MEDIUM fix-soon; LOW acceptable.
 * high (public, paid, large or sensitive): CRITICAL and confident HIGH stop; other HIGH and MEDIUM fix-soon.
 */
export function launchClassOf(finding: Finding, strictness: Strictness): LaunchClass {
  switch (finding.severity) {
    case 'CRITICAL':
      return 'stop-ship';
    case 'HIGH':
      return strictness === 'high' && finding.confidence === 'high' ? 'stop-ship' : 'fix-soon';
    case 'MEDIUM':
      return strictness === 'low' ? 'acceptable-risk' : 'fix-soon';
    case 'LOW':
      return 'acceptable-risk';
  }
}
