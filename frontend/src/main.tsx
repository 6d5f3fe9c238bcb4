import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './app/App.tsx';
import { createQueryClient } from './app/queryClient.ts';
import { restoreSession } from './api/session.ts';
import { startTheme } from './app/theme.ts';
import './styles/base.css';
import './styles/components.css';
import './styles/layout.css';

startTheme();
const queryClient = createQueryClient();
void restoreSession();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
