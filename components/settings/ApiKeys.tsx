'use client';

import { useState } from 'react';
import { readApiProblem } from '@/lib/http/apiProblem';
import { API_KEY_NAME_MAX, apiKeyCreatedSchema, apiKeySchema, type ApiKey, type ApiKeyCreated } from '@/types/apiKeys';
import styles from './settings.module.css';

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** Dates render in the browser's time zone, which may differ from the server's first render. */
function When({ iso }: { iso: string | null }) {
  if (!iso) return <>never</>;
  return <time dateTime={iso} suppressHydrationWarning>{dateFormat.format(new Date(iso))}</time>;
}

async function problemOf(res: Response): Promise<string> {
  return (await readApiProblem(res)).message;
}

/** Create, list and revoke API keys. A new key is shown once, here, until dismissed. */
export function ApiKeys({ initialKeys }: { initialKeys: ApiKey[] }) {
  const [keys, setKeys] = useState(initialKeys);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);

  async function create(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch('/api/v1/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
      if (res.status !== 201) return setProblem(await problemOf(res));
      const body = apiKeyCreatedSchema.parse(await res.json());
      setKeys((k) => [body.apiKey, ...k]);
      setCreated(body);
      setCopied(false);
      setName('');
    } catch {
      setProblem('Could not reach the server; check your connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  async function revoke(id: string) {
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch(`/api/v1/keys/${id}`, { method: 'DELETE' });
      if (!res.ok) return setProblem(await problemOf(res));
      const revoked = apiKeySchema.parse(await res.json());
      setKeys((k) => k.map((x) => (x.id === id ? revoked : x)));
      if (created?.apiKey.id === id) setCreated(null);
    } catch {
      setProblem('Could not reach the server; check your connection and try again.');
    } finally {
      setBusy(false);
      setConfirming(null);
    }
  }

  async function copy(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(true);
    } catch {
      setProblem('Copying was refused by the browser: select the key and copy it by hand.');
    }
  }

  return (
    <div className={styles.keys}>
      <form className={styles.createForm} onSubmit={create}>
        <label htmlFor="api-key-name">Name</label>
        <input
          id="api-key-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. print shop script"
          maxLength={API_KEY_NAME_MAX}
          required
        />
        <button type="submit" className={styles.primary} disabled={busy || !name.trim()}>Create key</button>
      </form>
      {problem && <p className={styles.problem} role="alert">{problem}</p>}

      {created && (
        <div className={styles.created} role="status" data-testid="new-api-key">
          <p><strong>Copy your new key “{created.apiKey.name}” now.</strong> It will not be shown again; only its start is kept.</p>
          <div className={styles.secretRow}>
            <code className={styles.secret}>{created.key}</code>
            <button type="button" className={styles.primary} onClick={() => copy(created.key)}>{copied ? 'Copied' : 'Copy'}</button>
          </div>
          <button type="button" className={styles.quiet} onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      )}

      {keys.length === 0 ? (
        <p className={styles.empty}>No API keys yet.</p>
      ) : (
        <table className={styles.table} data-testid="api-keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} data-api-key-id={key.id}>
                <td className={styles.name}>{key.name}</td>
                <td><code>{key.prefix}…</code></td>
                <td><When iso={key.createdAt} /></td>
                <td><When iso={key.lastUsedAt} /></td>
                <td>
                  <span className={key.status === 'active' ? styles.active : styles.revoked}>
                    {key.status === 'active' ? 'Active' : 'Revoked'}
                  </span>
                </td>
                <td className={styles.action}>
                  {key.status === 'active' &&
                    (confirming === key.id ? (
                      <span className={styles.confirm}>
                        Revoke? Scripts using it stop at once.
                        <button type="button" className={styles.danger} disabled={busy} onClick={() => revoke(key.id)}>Revoke</button>
                        <button type="button" className={styles.quiet} onClick={() => setConfirming(null)}>Keep</button>
                      </span>
                    ) : (
                      <button type="button" className={styles.quiet} onClick={() => setConfirming(key.id)}>Revoke…</button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
