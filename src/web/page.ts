import { GITHUB_API, GITHUB_RAW, parseRepositoryName } from "../sources/repository-name.js";
import { API_REQUESTS_PER_AUDIT, type Allowance, type AuditRequest, type WorkerMessage } from "./protocol.js";

/**
 * The page around the audit: reads `#OWNER/REPO@REF` (or the form), runs the audit in a worker, shows its
 * progress, then the scorecard the renderer wrote. Only the renderer's escaped HTML is inserted as markup;
 * every other text (an error, a count) is set as text.
 */

const TOKEN_KEY = "mlops-audit-token";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>("audit-form");
const nameInput = $<HTMLInputElement>("repository");
const tokenInput = $<HTMLInputElement>("token");
const progressBox = $<HTMLDivElement>("progress-box");
const progress = $<HTMLProgressElement>("progress");
const statusLine = $<HTMLParagraphElement>("status");
const errorLine = $<HTMLParagraphElement>("error");
const allowanceLine = $<HTMLParagraphElement>("allowance");
const downloads = $<HTMLDivElement>("downloads");
const result = $<HTMLDivElement>("scorecard");
const badgeBox = $<HTMLElement>("badge-box");
const badgeCode = $<HTMLElement>("badge-code");

/** `?api=` and `?raw=` point the page at another GitHub; only web addresses are taken. */
function endpoint(param: string, fallback: string): string {
  const given = new URLSearchParams(location.search).get(param);
  return given && /^https?:\/\/[^\s]+$/.test(given) ? given.replace(/\/+$/, "") : fallback;
}

function say(text: string) {
  statusLine.textContent = text;
}

function showAllowance(allowance: Allowance | undefined, withToken: boolean) {
  if (!allowance || withToken) {
    allowanceLine.textContent = "";
    return;
  }
  const audits = Math.floor(allowance.remaining / API_REQUESTS_PER_AUDIT);
  const reset = new Date(allowance.reset * 1000).toISOString().slice(11, 16);
  allowanceLine.textContent = `${audits} ${audits === 1 ? "audit" : "audits"} left this hour without a token (GitHub allows ${allowance.limit} API requests an hour from one address; each audit makes ${API_REQUESTS_PER_AUDIT}; the count resets at ${reset} UTC).`;
}

function download(label: string, fileName: string, text: string, type: string): HTMLAnchorElement {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = fileName;
  link.textContent = label;
  return link;
}

/** The renderer's document, parsed inertly (nothing in it runs), and its main content moved into the page. */
function showScorecard(html: string) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const main = doc.querySelector("main");
  result.replaceChildren(...(main ? Array.from(main.childNodes) : []));
  document.title = doc.title;
}

let worker: Worker | undefined;

function startAudit() {
  const wanted = decodeURIComponent(location.hash.slice(1)).trim();
  if (!wanted) return;
  const name = parseRepositoryName(wanted);
  errorLine.textContent = "";
  downloads.replaceChildren();
  result.replaceChildren();
  badgeBox.hidden = true;
  if (!name) {
    errorLine.textContent = `"${wanted}" is not a repository: write OWNER/REPO, OWNER/REPO@REF, or its github.com address.`;
    return;
  }
  nameInput.value = wanted;
  if (!navigator.onLine) {
    errorLine.textContent = "You are offline: connect to the internet and audit again.";
    return;
  }
  const token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  const label = `${name.owner}/${name.repo}${name.ref ? `@${name.ref}` : ""}`;
  worker?.terminate();
  const running = new Worker("worker.js");
  worker = running;
  progressBox.hidden = false;
  progress.removeAttribute("value");
  say(`Reading the tree of ${label}…`);
  running.onmessage = (event: MessageEvent<WorkerMessage>) => {
    const message = event.data;
    if (message.kind === "tree") say(`Tree read: ${message.files} files. Reading the ones the rules need…`);
    else if (message.kind === "read") {
      progress.max = message.of;
      progress.value = Math.min(message.done, message.of);
      say(`Tree read. Files read: ${message.done} of ${message.of}.`);
    } else {
      running.terminate();
      progressBox.hidden = true;
      say("");
      showAllowance(message.allowance, !!token);
      if (message.kind === "failed") {
        errorLine.textContent = message.message;
        return;
      }
      const base = message.fullName.replace("/", "-");
      downloads.replaceChildren(
        download("Download JSON", `${base}.mlops-audit.json`, message.json, "application/json"),
        download("Download SARIF", `${base}.sarif`, message.sarif, "application/sarif+json"),
      );
      showScorecard(message.html);
      badgeCode.textContent = message.badge;
      badgeBox.hidden = false;
      say(`Audited ${label}: ${message.score}/100.`);
    }
  };
  running.onerror = () => {
    progressBox.hidden = true;
    errorLine.textContent = "The audit could not start in this browser (its worker failed to load).";
  };
  const request: AuditRequest = {
    ...name,
    token,
    apiUrl: endpoint("api", GITHUB_API),
    rawUrl: endpoint("raw", GITHUB_RAW),
    pageUrl: location.origin + location.pathname + location.search,
  };
  running.postMessage(request);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const token = tokenInput.value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  tokenInput.value = "";
  const wanted = nameInput.value.trim();
  if (`#${wanted}` === location.hash) startAudit();
  else location.hash = wanted;
});
$<HTMLButtonElement>("forget-token").addEventListener("click", () => {
  sessionStorage.removeItem(TOKEN_KEY);
  tokenInput.value = "";
});
window.addEventListener("hashchange", startAudit);
startAudit();
