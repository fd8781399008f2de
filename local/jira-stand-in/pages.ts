/**
 * The human view of the stand-in: where people look at the issues the relay created. Every value is
 * escaped (issue content comes from alerts, i.e. from outside), and the CSP set in http.ts forbids scripts.
 */
import { adfToHtml } from './adf.ts';
import { sitePath } from './attachments.ts';
import { escapeHtml, isRecord } from './http.ts';
import { findField, findIssueType, findProject } from './representations.ts';
import { PROJECTS, SITE_NAME } from './seed.ts';
import type { StoredAttachment, StoredIssue } from './state.ts';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#172b4d;background:#f7f8f9}
header{background:#0c66e4;color:#fff;padding:.6rem 1.2rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #dcdfe4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f2f4}pre{background:#f1f2f4;padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600;color:#44546f}dd{margin:0}
.label{display:inline-block;background:#dfe1e6;border-radius:3px;padding:0 .4rem;margin:0 .2rem .2rem 0;font-size:.9em}
.accounts button,form button{display:block;margin:.5rem 0;padding:.6rem 1rem;min-width:18rem;text-align:left;cursor:pointer;border:1px solid #0c66e4;border-radius:4px;background:#fff}
form button.secondary{border-color:#8590a2}.error{color:#ae2e24}.adf{background:#fff;border:1px solid #dcdfe4;padding:.5rem 1rem}
`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · ${escapeHtml(SITE_NAME)} (Jira stand-in)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><header><a href="/">${escapeHtml(SITE_NAME)}</a> · Jira Cloud stand-in</header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function indexPage(issues: readonly StoredIssue[]): string {
  const projects = PROJECTS.map(
    (p) =>
      `<tr><td>${escapeHtml(p.key)}</td><td>${escapeHtml(p.name)}</td><td>${p.style === 'classic' ? 'company-managed' : 'team-managed'}</td><td>${escapeHtml(p.id)}</td></tr>`,
  ).join('');
  const rows = [...issues]
    .reverse()
    .map((issue) => {
      const type = findIssueType(issue.issueTypeId);
      return `<tr><td><a href="/browse/${encodeURIComponent(issue.key)}">${escapeHtml(issue.key)}</a></td><td>${escapeHtml(type?.name ?? '')}</td><td>${escapeHtml(String(issue.fields['summary'] ?? ''))}</td><td>${escapeHtml(issue.created)}</td></tr>`;
    })
    .join('');
  return page(
    'Projects and issues',
    `<table><tr><th>Key</th><th>Project</th><th>Type</th><th>Id</th></tr>${projects}</table>
<h2>Issues (${issues.length})</h2>
${issues.length === 0 ? '<p>No issues yet.</p>' : `<table><tr><th>Key</th><th>Type</th><th>Summary</th><th>Created</th></tr>${rows}</table>`}`,
  );
}

/** Human-readable value of one stored field. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return escapeHtml(String(value));
  if (Array.isArray(value)) {
    return value.every((v) => typeof v === 'string')
      ? value.map((v) => `<span class="label">${escapeHtml(v)}</span>`).join('')
      : value.map(renderValue).join(', ');
  }
  if (isRecord(value)) {
    if (value['type'] === 'doc') return adfToHtml(value);
    for (const key of ['displayName', 'value', 'name', 'key']) {
      const shown = value[key];
      if (typeof shown === 'string') return escapeHtml(shown);
    }
  }
  return `<code>${escapeHtml(JSON.stringify(value))}</code>`;
}

const HEADLINE_FIELDS = new Set([
  'summary',
  'description',
  'project',
  'issuetype',
  'priority',
  'labels',
  'reporter',
  'creator',
  'status',
  'resolution',
  'created',
  'updated',
]);

/** One line of an issue's links as the issue page shows it: "blocks SEC-2". */
export interface LinkLine {
  readonly phrase: string;
  readonly key: string;
}

export function issuePage(
  issue: StoredIssue,
  attachments: readonly StoredAttachment[] = [],
  links: readonly LinkLine[] = [],
): string {
  const f = issue.fields;
  const project = findProject(issue.projectId);
  const others = Object.entries(f)
    .filter(([id]) => !HEADLINE_FIELDS.has(id))
    .map(([id, value]) => `<dt>${escapeHtml(findField(id)?.name ?? id)}</dt><dd>${renderValue(value)}</dd>`)
    .join('');
  const comments = issue.comments
    .map((c) => `<div class="comment"><p><small>${escapeHtml(c.created)}</small></p>${renderValue(c.body)}</div>`)
    .join('');
  const files = attachments
    .map(
      (a) =>
        `<tr><td><a href="${escapeHtml(sitePath(a))}" download>${escapeHtml(a.filename)}</a></td><td>${escapeHtml(a.mimeType)}</td><td>${a.content.length} bytes</td><td>${escapeHtml(a.created)}</td></tr>`,
    )
    .join('');
  const linked = links
    .map(
      (l) => `<li>${escapeHtml(l.phrase)} <a href="/browse/${encodeURIComponent(l.key)}">${escapeHtml(l.key)}</a></li>`,
    )
    .join('');
  return page(
    `${issue.key}: ${String(f['summary'] ?? '')}`,
    `<dl>
<dt>Project</dt><dd>${escapeHtml(project ? `${project.name} (${project.key})` : issue.projectId)}</dd>
<dt>Type</dt><dd>${renderValue(f['issuetype'])}</dd>
<dt>Status</dt><dd>${renderValue(f['status'])}${f['resolution'] ? ` (${renderValue(f['resolution'])})` : ''}</dd>
<dt>Priority</dt><dd>${renderValue(f['priority']) || 'None'}</dd>
<dt>Labels</dt><dd>${renderValue(f['labels']) || 'None'}</dd>
<dt>Reporter</dt><dd>${renderValue(f['reporter'])}</dd>
<dt>Created</dt><dd>${escapeHtml(issue.created)}</dd>
${others}
</dl>
<h2>Description</h2>${renderValue(f['description']) || '<p>None</p>'}
${linked ? `<h2>Linked issues</h2><ul class="links">${linked}</ul>` : ''}
${files ? `<h2>Attachments</h2><table class="attachments"><tr><th>File</th><th>Type</th><th>Size</th><th>Added</th></tr>${files}</table>` : ''}
${comments ? `<h2>Comments</h2>${comments}` : ''}`,
  );
}
