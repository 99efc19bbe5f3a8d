import styles from './settings.module.css';

/** One section of the settings page: a heading, what it is for, and its controls. */
export function SettingsSection({ id, title, description, children }: { id: string; title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`} id={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className={styles.description}>{description}</p>
      {children}
    </section>
  );
}
