/**
 * Atlassian Document Format in the stand-in: structural validation against the official schema
 * (the same check Jira applies before it answers "We can't create this issue for you right now")
 * and a small ADF → HTML renderer for the human view.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv-draft-04';
import ajvDraft04 from 'ajv-draft-04';
import { escapeHtml, isRecord } from './http.ts';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | undefined;

/** Compiled lazily: the schema has ~80 definitions and most stand-in runs never need it. */
function adfValidator(): ValidateFunction {
  if (validator) return validator;
  const schema = require('@atlaskit/adf-schema/dist/json-schema/v1/full.json') as object;
  // A CommonJS class: under NodeNext its default import is the module object, `.default` the class.
  const Ajv = ajvDraft04.default;
  // The schema uses keywords and formats Ajv's strict mode would refuse; it is Atlassian's, not ours to fix.
  const compiled = new Ajv({ strict: false, validateFormats: false, allErrors: false }).compile(schema);
  validator = compiled;
  return compiled;
}

export function isAdfDocument(value: unknown): boolean {
  return isRecord(value) && value['type'] === 'doc';
}

export function isValidAdf(value: unknown): boolean {
  return adfValidator()(value) === true;
}

/** Plain text of a document (used for JQL `text ~` and for length checks of the human view). */
export function adfToText(node: unknown): string {
  if (!isRecord(node)) return '';
  if (node['type'] === 'text' && typeof node['text'] === 'string') return node['text'];
  if (node['type'] === 'hardBreak') return '\n';
  const content = Array.isArray(node['content']) ? node['content'] : [];
  const inner = content
    .map(adfToText)
    .join(node['type'] === 'doc' || node['type'] === 'bulletList' || node['type'] === 'orderedList' ? '\n' : '');
  return node['type'] === 'paragraph' || node['type'] === 'heading' ? `${inner}\n` : inner;
}

function children(node: Record<string, unknown>): string {
  const content = Array.isArray(node['content']) ? node['content'] : [];
  return content.map((child) => adfToHtml(child)).join('');
}

function attr(node: Record<string, unknown>, name: string): unknown {
  const attrs = node['attrs'];
  return isRecord(attrs) ? attrs[name] : undefined;
}

function safeHref(href: unknown): string | undefined {
  if (typeof href !== 'string') return undefined;
  // Only links a browser cannot turn into script execution.
  return /^(https?:|mailto:)/i.test(href) ? href : undefined;
}

function renderText(node: Record<string, unknown>): string {
  let html = escapeHtml(typeof node['text'] === 'string' ? node['text'] : '');
  const marks = Array.isArray(node['marks']) ? node['marks'] : [];
  for (const mark of marks) {
    if (!isRecord(mark)) continue;
    switch (mark['type']) {
      case 'strong':
        html = `<strong>${html}</strong>`;
        break;
      case 'em':
        html = `<em>${html}</em>`;
        break;
      case 'code':
        html = `<code>${html}</code>`;
        break;
      case 'strike':
        html = `<s>${html}</s>`;
        break;
      case 'underline':
        html = `<u>${html}</u>`;
        break;
      case 'link': {
        const href = safeHref(attr(mark, 'href'));
        if (href) html = `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${html}</a>`;
        break;
      }
      default:
        break;
    }
  }
  return html;
}

/** Renders ADF to HTML; every piece of data goes through escapeHtml. Unknown nodes render their children. */
export function adfToHtml(node: unknown): string {
  if (!isRecord(node)) return '';
  switch (node['type']) {
    case 'doc':
      return `<div class="adf">${children(node)}</div>`;
    case 'paragraph':
      return `<p>${children(node)}</p>`;
    case 'text':
      return renderText(node);
    case 'hardBreak':
      return '<br>';
    case 'heading': {
      const level = Number(attr(node, 'level'));
      const tag = Number.isInteger(level) && level >= 1 && level <= 6 ? `h${level}` : 'h6';
      return `<${tag}>${children(node)}</${tag}>`;
    }
    case 'codeBlock': {
      const language = attr(node, 'language');
      const label = typeof language === 'string' ? ` data-language="${escapeHtml(language)}"` : '';
      return `<pre${label}><code>${children(node)}</code></pre>`;
    }
    case 'bulletList':
      return `<ul>${children(node)}</ul>`;
    case 'orderedList':
      return `<ol>${children(node)}</ol>`;
    case 'listItem':
      return `<li>${children(node)}</li>`;
    case 'blockquote':
      return `<blockquote>${children(node)}</blockquote>`;
    case 'panel':
      return `<div class="panel panel-${escapeHtml(String(attr(node, 'panelType') ?? 'info'))}">${children(node)}</div>`;
    case 'rule':
      return '<hr>';
    case 'table':
      return `<table>${children(node)}</table>`;
    case 'tableRow':
      return `<tr>${children(node)}</tr>`;
    case 'tableHeader':
      return `<th>${children(node)}</th>`;
    case 'tableCell':
      return `<td>${children(node)}</td>`;
    case 'mention':
      return `<span class="mention">@${escapeHtml(String(attr(node, 'text') ?? attr(node, 'id') ?? ''))}</span>`;
    case 'emoji':
      return escapeHtml(String(attr(node, 'text') ?? attr(node, 'shortName') ?? ''));
    case 'status':
      return `<span class="status">${escapeHtml(String(attr(node, 'text') ?? ''))}</span>`;
    case 'date':
      return `<time>${escapeHtml(String(attr(node, 'timestamp') ?? ''))}</time>`;
    case 'inlineCard': {
      const href = safeHref(attr(node, 'url'));
      return href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${escapeHtml(href)}</a>` : '';
    }
    default:
      return children(node);
  }
}
