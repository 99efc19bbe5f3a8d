'use client';

import { useEffect, useState } from 'react';
import { readApiProblem } from '@/lib/http/apiProblem';
import { apiWebhookSecretSchema, type ApiWebhookSecret } from '@/types/webhooks';
import styles from './WebhookSecretSection.module.css';

const SECRET_URL = '/api/v1/webhook-secret';

async function requestSecret(url: string, init?: RequestInit): Promise<ApiWebhookSecret> {
  const res = await fetch(url, { ...init, cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) throw new Error((await readApiProblem(res)).message);
  return apiWebhookSecretSchema.parse(await res.json());
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The signed-in user's webhook signing secret: hidden until revealed, copy,
 * rotate (after a confirmation, since receivers must switch to the new one).
 * Fetches its own data, so it can sit on any page.
 */
export function WebhookSecretSection() {
  const [secret, setSecret] = useState<ApiWebhookSecret | null>(null);
  const [revealed, setRevealed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  useEffect(() => {
    requestSecret(SECRET_URL).then(setSecret, (e: unknown) => setMessage(`Could not load the signing secret: ${errorText(e)}`));
  }, []);

  async function copy() {
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret.secret);
      setMessage('Copied.');
    } catch {
      setMessage('The browser refused the clipboard: reveal the secret and copy it by hand.');
    }
  }

  async function rotate() {
    if (!window.confirm('Rotate the webhook signing secret? Deliveries from now on are signed with the new secret only; update your receivers.')) return;
    setBusy(true);
    try {
      setSecret(await requestSecret(`${SECRET_URL}/rotate`, { method: 'POST' }));
      setRevealed(true);
      setMessage('Rotated: update your receivers with the new secret.');
    } catch (e) {
      setMessage(`Could not rotate the signing secret: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.section} aria-labelledby="webhook-secret-title">
      <h2 id="webhook-secret-title">Webhook signing secret</h2>
      <p className={styles.help}>
        Exports requested with a <code>webhookUrl</code> are POSTed there when they end, signed with this secret in the{' '}
        <code>Carto-Signature</code> header. Verify it before trusting a delivery.
      </p>
      <div className={styles.row}>
        <code className={styles.secret} aria-label="Signing secret">
          {secret ? (revealed ? secret.secret : `whsec_${'•'.repeat(24)}`) : '…'}
        </code>
        <button type="button" onClick={() => setRevealed((r) => !r)} disabled={!secret}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        <button type="button" onClick={copy} disabled={!secret}>Copy</button>
        <button type="button" onClick={rotate} disabled={busy}>Rotate</button>
      </div>
      {secret && <p className={styles.meta}>Created {new Date(secret.createdAt).toLocaleString()}</p>}
      {message && <p className={styles.message} role="status">{message}</p>}
    </section>
  );
}
