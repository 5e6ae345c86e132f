import { findNodes, isFunctionLike, lineOf, ts } from '../support/ast.js';
import { isSend, scheduledFunctions } from '../support/jobs.js';
import { defineProbe, type Hit } from '../types.js';

/** A column or property that records the send: `reminderSentAt`, `notified`, `last_reminder_at`, `reminder_count`. */
const MARK = /(?:sent|notified|reminded|reminder|delivered)\w*|\w*(?:Sent|_sent|Notified|_notified|Reminded|_reminded|Reminder|_reminder)\w*/;

export default defineProbe({
  meta: {
    id: 'scheduled-send-without-sent-mark',
    title: 'Scheduled sender never records what it sent',
    category: 'Idempotency',
    severity: 'MEDIUM',
    phase: 8,
    agent: 'reliability-auditor',
    confidence: 'medium',
    description: 'A cron-scheduled function loops over records sending mail or messages, and neither filters on nor writes a "sent" mark (sentAt, notified, last reminder), so every run sends to the same records again.',
    impact: 'Each run (every hour, on each replica, on a retry) mails the same customers again: reminder storms, complaints, unsubscribes and a sending domain marked as spam.',
    remediation: 'Select only records not yet notified for this occasion (`reminderSentAt IS NULL` or older than the interval) and set the mark in the same step as the send (claim the row first, then send), so a rerun skips them.',
    effort: 'hours',
  },
  applies: (ctx) => ctx.scripts(['schedule', '@Cron', 'CronJob']).length > 0,
  detect(ctx) {
    return ctx.scripts(['schedule', '@Cron', 'CronJob']).flatMap((file) =>
      scheduledFunctions(ctx, file).flatMap((fn): Hit[] => {
        const send = findNodes(fn, ts.isCallExpression).find((call) => isSend(call) && inLoop(call, fn));
        if (!send || marks(fn)) return [];
        return [{ file, line: lineOf(send), message: 'This scheduled job sends to every matching record on each run and records no "sent" mark: the same people are sent it again next time.' }];
      }),
    );
  },
});

function inLoop(call: ts.Node, fn: ts.Node): boolean {
  for (let current = call.parent; current && current !== fn; current = current.parent) {
    if (ts.isIterationStatement(current, false)) return true;
    if (isFunctionLike(current) && ts.isCallExpression(current.parent) && /\.(?:forEach|map)$/.test(current.parent.expression.getText())) return true;
  }
  return false;
}

/** Object keys and SQL column comparisons or assignments that name a sent mark. */
function marks(fn: ts.Node): boolean {
  const keys = findNodes(fn, ts.isPropertyAssignment).map((p) => p.name.getText()).concat(findNodes(fn, ts.isShorthandPropertyAssignment).map((p) => p.name.text));
  if (keys.some((k) => new RegExp(`^["']?(?:${MARK.source})["']?$`, 'i').test(k))) return true;
  return findNodes(fn, (n): n is ts.StringLiteralLike => ts.isStringLiteralLike(n)).some((s) => new RegExp(`\\b(?:${MARK.source})\\b\\s*(?:=|is\\b|<|>)`, 'i').test(s.text));
}
