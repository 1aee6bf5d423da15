import { useAppUpdated } from './service-worker';

/** Shown once a newer build is installed: this page is still the older one until it reloads. */
export function UpdateBanner() {
  if (!useAppUpdated()) return null;
  return (
    <div className="update-banner" role="status">
      A new version of Parley is ready.
      <button type="button" className="primary" onClick={() => location.reload()}>
        Reload
      </button>
    </div>
  );
}
