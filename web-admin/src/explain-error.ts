/**
 * The relay's delivery errors (as the ledger keeps them, e.g. "POST /issue: Jira answered 503" or
 * "Jira refused the issue (HTTP 400): customfield_10055: Alert Severity is required.") in an
 * administrator's words, with the fix and a link to the place where it is made. Pure: no DOM.
 * The texts come from `lambdas/domain/delivery/deliver-alert.ts` and `lambdas/adapters/atlassian-http.ts`.
 */

export interface Explanation {
  /** What happened, in one or two sentences. */
  text: string;
  /** What the administrator can do; absent when the relay handles it alone. */
  fix?: string;
  link?: { label: string; href: string };
  /** The relay's own words, for whoever reads the logs. */
  original: string;
}

export interface ErrorContext {
  /** Target project key, e.g. SEC. */
  project?: string;
  /** Issue type the alert was to become, e.g. Incident. */
  issueType?: string;
}

export const LINKS = {
  setup: { label: 'Web Trigger Setup → Jira Target', href: '#setup/target' },
  fieldMapping: { label: 'Advanced → Field Mapping', href: '#advanced/fieldMappings' },
  priorityMapping: { label: 'Advanced → Priority Mapping', href: '#advanced/priorityMapping' },
  issueTypeMapping: { label: 'Advanced → Issue Type Mapping', href: '#advanced/issueTypeMapping' },
  reconnect: { label: 'Reconnect to Jira', href: '/oauth/login' },
} as const;

/** Fields the relay fills itself; Jira complaining about them is not fixed by a mapping. */
const RELAY_FIELDS = new Set(['summary', 'description', 'labels', 'project', 'issuetype', 'parent', 'priority']);

function where(context: ErrorContext): string {
  if (context.issueType && context.project) return ` on ${context.issueType} in ${context.project}`;
  if (context.project) return ` in ${context.project}`;
  return '';
}

/** "Alert Severity is required." → "Alert Severity is required" (the sentence is continued). */
function clause(message: string): string {
  return message.trim().replace(/[.\s]+$/, '');
}

function explainRefusal(status: number, detail: string, context: ErrorContext, original: string): Explanation {
  const parts = detail
    .split(/;\s*/)
    .map((part) => {
      const match = /^([A-Za-z][\w.-]*):\s*(.+)$/.exec(part.trim());
      return match ? { field: match[1] ?? '', message: match[2] ?? '' } : { field: '', message: part.trim() };
    })
    .filter((p) => p.message !== '');
  const on = where(context);
  const byField = parts.find((p) => p.field !== '');
  if (byField) {
    const message = clause(byField.message);
    if (byField.field === 'priority') {
      return {
        text: `Jira refused the priority the relay chose${on}: ${message}.`,
        fix: 'Choose a priority this project offers.',
        link: LINKS.priorityMapping,
        original,
      };
    }
    if (byField.field === 'issuetype' || byField.field === 'parent') {
      return {
        text: `Jira refused the issue type${on}: ${message}.`,
        fix: 'Choose an issue type this project offers.',
        link: LINKS.issueTypeMapping,
        original,
      };
    }
    if (byField.field === 'project') {
      return {
        text: `Jira refused the target project: ${message}.`,
        fix: 'Choose the project again and save.',
        link: LINKS.setup,
        original,
      };
    }
    if (!RELAY_FIELDS.has(byField.field)) {
      return {
        text: `${message}${on}.`,
        fix: 'Map a Keeper field or a constant to it, or make the field optional in Jira; then retry the alert.',
        link: LINKS.fieldMapping,
        original,
      };
    }
    return {
      text: `Jira refused the issue${on}: ${message}.`,
      fix: 'Check the field in Jira, then retry the alert.',
      original,
    };
  }
  const first = parts[0]?.message ?? '';
  if (status === 403 || /permission/i.test(first)) {
    return {
      text: `The connected Jira account may not create issues${on}${first ? ` (${clause(first)})` : ''}.`,
      fix: `Give the account the "Create issues" permission${context.project ? ` in ${context.project}` : ''}, or reconnect with another Jira administrator.`,
      link: LINKS.reconnect,
      original,
    };
  }
  if (status === 404) {
    return {
      text: `Jira no longer knows the target project or issue type${first ? ` (${clause(first)})` : ''}.`,
      fix: 'Choose the project and issue type again.',
      link: LINKS.setup,
      original,
    };
  }
  return {
    text: `Jira refused the issue${on}${first ? `: ${clause(first)}` : ''}.`,
    fix: 'Check the mappings, then retry the alert.',
    link: LINKS.fieldMapping,
    original,
  };
}

/** Transient causes the relay handles alone: said plainly, no fix asked of the administrator. */
function explainTransient(text: string, original: string): Explanation | undefined {
  if (/Jira is unavailable/i.test(text)) {
    return {
      text: 'Jira is not answering. The relay stopped sending, checks Jira at intervals, and sends the waiting alerts once it answers.',
      original,
    };
  }
  if (/rate limit\)|answered 429/i.test(text)) {
    return {
      text: 'Jira asked the relay to slow down (rate limit). The alert goes out as soon as Jira allows it.',
      original,
    };
  }
  if (/^Paced to Jira/i.test(text))
    return { text: 'Sent slowly on purpose to stay under Jira’s rate limit.', original };
  if (/search can see an earlier attempt/i.test(text)) {
    return {
      text: 'An earlier attempt may already have created the issue. The relay waits until Jira’s search can show it, so no duplicate is made.',
      original,
    };
  }
  if (/did not answer in time/i.test(text)) {
    return {
      text: 'Jira did not answer in time. Before trying again the relay checks whether the issue was created, so no duplicate is made.',
      original,
    };
  }
  const network = /network error \(([^)]+)\)/.exec(text);
  if (network)
    return {
      text: `The relay could not reach Jira (network error ${network[1] ?? ''}). It tries again on its own.`,
      original,
    };
  const server = /Jira answered (5\d\d)/.exec(text);
  if (server)
    return { text: `Jira had a server error (HTTP ${server[1] ?? ''}). The relay tries again on its own.`, original };
  if (/refused the access token/i.test(text)) {
    return {
      text: 'Jira refused the relay’s access token. The relay renews it and tries again.',
      fix: 'If this does not clear within minutes, reconnect to Jira.',
      link: LINKS.reconnect,
      original,
    };
  }
  if (/Timed out waiting for another instance/i.test(text))
    return { text: 'The relay was renewing its Jira token. It tries again on its own.', original };
  if (/^Unexpected delivery error/i.test(text)) {
    return {
      text: 'Something unexpected went wrong in the relay. It tries again on its own.',
      fix: 'If this stays, check the relay’s logs.',
      original,
    };
  }
  return undefined;
}

export function explainDeliveryError(raw: string, context: ErrorContext = {}): Explanation {
  const original = raw.trim();
  if (/no project and issue type configured/i.test(original)) {
    return {
      text: 'Waiting: the relay has no target project yet.',
      fix: 'Choose a project and a default issue type and save; waiting alerts are sent then.',
      link: LINKS.setup,
      original,
    };
  }
  if (/not connected to Jira yet/i.test(original)) {
    return {
      text: 'Waiting: no Jira administrator has connected the relay yet.',
      fix: 'Connect to Jira; waiting alerts are sent then.',
      link: LINKS.reconnect,
      original,
    };
  }
  if (/connect Jira again|must sign in again|must be renewed|reconnect/i.test(original)) {
    return {
      text: 'Waiting: the Jira connection needs a new consent from a Jira administrator.',
      fix: 'Reconnect to Jira; waiting alerts are sent then.',
      link: LINKS.reconnect,
      original,
    };
  }
  // "Retry budget of 72 h spent after 12 attempts: <cause>" / "Retry budget spent while <cause>"
  const gaveUp = /^Retry budget(?: of ([^ ]+(?: [a-z]+)?))? spent (?:after (\d+) attempts: |while )(.*)$/i.exec(
    original,
  );
  if (gaveUp) {
    const cause = explainDeliveryError(gaveUp[3] ?? '', context);
    const span = gaveUp[1] ? ` over ${gaveUp[1]}` : '';
    const attempts = gaveUp[2] ? ` after ${gaveUp[2]} attempts` : '';
    return {
      text: `The relay gave up${attempts}${span}. Last cause: ${cause.text}`,
      fix: cause.fix ? `${cause.fix} Then retry the alert.` : 'Retry the alert once Jira works again.',
      ...(cause.link ? { link: cause.link } : {}),
      original,
    };
  }
  const refused = /refused the (?:issue|request) \((?:HTTP )?(\d{3})\)(?::\s*(.*))?$/.exec(original);
  if (refused) return explainRefusal(Number(refused[1]), refused[2] ?? '', context, original);
  return explainTransient(original, original) ?? { text: original, original };
}
