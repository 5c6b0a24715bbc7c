import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import './lib/api';
import { AppProvider } from './app/provider';
import { router } from './app/router';
import './app/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('LLMHub console: #root element missing from index.html');

createRoot(root).render(
  <StrictMode>
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
