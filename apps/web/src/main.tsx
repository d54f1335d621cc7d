import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'highlight.js/styles/github.css';
import './styles.css';
import { i18next } from './i18n/index.js';
import { App } from './app.js';

document.documentElement.lang = i18next.language;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
