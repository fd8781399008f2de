/**
 * Counter-events (docs/rules-and-grouping.md): an alert whose event undoes an earlier one for the
 * same key values (`audit_alert_resumed` after `audit_alert_paused`, two-factor turned back on for
 * the same user) comments on the opener's open issue and moves it to done through a transition the
 * issue's workflow offers, instead of opening a ticket of its own. The opener's issue is recorded
 * when it is created (`rememberOpener`).
 */
import type { KeeperAlert } from '#domain/alert/keeper-alert.ts';
import type { IssueTransition } from '#domain/ports.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { counterpartId, groupOf, pairClosedBy, pairOpenedBy } from '#domain/routing/group-key.ts';
import { counterEventComment, occurrenceOf } from '#domain/ticket/group-comment.ts';
import { redactAlert } from '#domain/ticket/redact.ts';
import type { AttemptOptions, DeliveryDeps } from './delivery-deps.ts';
import type { Permit } from './jira-governor.ts';

/** How long an opener's issue can still be closed by its counter-event. */
export const COUNTERPART_DAYS = 30;

export type CloseResult =
  /** No open issue of a matching opener: the alert is delivered like any other. */
  | { readonly kind: 'none' }
  | { readonly kind: 'closed'; readonly issueKey: string; readonly transitioned: boolean }
  | { readonly kind: 'wait'; readonly permit: Extract<Permit, { kind: 'wait' }> };

/** Records `issueKey` as the open issue of `alert` when its event opens a counter-event pair. */
export async function rememberOpener(
  deps: DeliveryDeps,
  config: Pick<RelayConfig, 'counterEvents'>,
  alert: KeeperAlert,
  issueKey: string,
): Promise<void> {
  const pair = pairOpenedBy(config.counterEvents, alert);
  if (pair === undefined) return;
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + COUNTERPART_DAYS * 86_400;
  await deps.groups.putCounterpart(counterpartId(pair, alert), issueKey, expiresAt);
}

/** Closes the opener's issue when `alert` is its counter-event and that issue is still recorded. */
export async function closeCounterpart(
  deps: DeliveryDeps,
  config: Pick<RelayConfig, 'counterEvents' | 'wontDoResolutions'>,
  alert: KeeperAlert,
  record: { readonly alertId: string; readonly receivedAt: string },
  redact: readonly string[],
  options: AttemptOptions,
): Promise<CloseResult> {
  const pair = pairClosedBy(config.counterEvents, alert);
  if (pair === undefined) return { kind: 'none' };
  const id = counterpartId(pair, alert);
  const issueKey = await deps.groups.getCounterpart(id);
  if (issueKey === undefined) return { kind: 'none' };
  const stateTurn = await deps.governor.permit(options);
  if (stateTurn.kind === 'wait') return { kind: 'wait', permit: stateTurn };
  const state = await deps.tracker.getIssueState(issueKey);
  if (state === undefined) {
    await deps.groups.deleteCounterpart(id, issueKey);
    return { kind: 'none' };
  }
  const comment = counterEventComment({
    openEvent: pair.open,
    closeEvent: pair.close,
    // Read from the redacted alert: a key field the closing alert's rule redacts must not show.
    key: groupOf(redactAlert(alert, redact).alert, 'counter', pair.key).key,
    occurrence: occurrenceOf({ ...record, rawBody: alert.rawText }, redact),
  }).document;
  let transitioned = false;
  if (state.statusCategory !== 'done') {
    const listTurn = await deps.governor.permit(options);
    if (listTurn.kind === 'wait') return { kind: 'wait', permit: listTurn };
    const transition = doneTransition(await deps.tracker.listTransitions(issueKey), config.wontDoResolutions);
    const moveTurn = await deps.governor.permit(options);
    if (moveTurn.kind === 'wait') return { kind: 'wait', permit: moveTurn };
    if (transition) {
      await deps.tracker.transitionIssue(issueKey, transition.id, comment);
      transitioned = true;
    } else {
      // No way to done from here (a workflow that needs a screen or a condition): the comment still says it.
      await deps.tracker.editIssue(issueKey, { comment });
    }
  } else {
    const editTurn = await deps.governor.permit(options);
    if (editTurn.kind === 'wait') return { kind: 'wait', permit: editTurn };
    await deps.tracker.editIssue(issueKey, { comment });
  }
  await deps.groups.deleteCounterpart(id, issueKey);
  deps.log.info('Counter-event closed its opener’s issue', { issueKey, event: alert.event, transitioned });
  return { kind: 'closed', issueKey, transitioned };
}

/**
 * The transition to a done status, as the workflow offers it now: one named like done / resolve /
 * close, else any to a done status; never one named like a won't-do resolution.
 */
export function doneTransition(
  transitions: readonly IssueTransition[],
  wontDo: readonly string[],
): IssueTransition | undefined {
  const wontDoNames = wontDo.map((name) => name.toLowerCase());
  const done = transitions.filter(
    (t) =>
      t.toStatusCategory === 'done' &&
      !wontDoNames.includes(t.name.toLowerCase()) &&
      !wontDoNames.includes(t.toStatusName.toLowerCase()),
  );
  return done.find((t) => /\b(done|resolve|close)/i.test(t.name)) ?? done[0];
}
