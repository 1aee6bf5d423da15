import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { registerServiceWorker } from './shell/service-worker';
import { UpdateBanner } from './shell/UpdateBanner';
import './styles.css';

registerServiceWorker();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
    <UpdateBanner />
  </StrictMode>,
);
