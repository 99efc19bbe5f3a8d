import { SiteHeader } from '@/components/exports/SiteHeader';
import styles from '@/components/exports/pages.module.css';
import { ApiKeys } from '@/components/settings/ApiKeys';
import { SettingsSection } from '@/components/settings/SettingsSection';
import { WebhookSecretSection } from '@/components/settings/WebhookSecretSection';
import { listApiKeys } from '@/lib/auth/apiKeys';
import { requirePageCaller } from '@/lib/auth/page';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Settings — carto-export' };

/** Account settings: one <SettingsSection> per concern, each with its own client component. */
export default async function SettingsPage() {
  const caller = await requirePageCaller('/settings');
  const keys = await listApiKeys(caller);

  return (
    <div className={styles.page}>
      <SiteHeader caller={caller} current="settings" />
      <main className={styles.main}>
        <div className={styles.titleRow}>
          <h1>Settings</h1>
        </div>
        <SettingsSection
          id="api-keys"
          title="API keys"
          description={
            <>
              A key lets a script use the export API as you: send it as <code>Authorization: Bearer cek_…</code> to{' '}
              <code>/api/v1/exports</code>. Keys cannot manage keys. Revoke a key you no longer use or may have leaked.
            </>
          }
        >
          <ApiKeys initialKeys={keys} />
        </SettingsSection>
        <WebhookSecretSection />
      </main>
    </div>
  );
}
