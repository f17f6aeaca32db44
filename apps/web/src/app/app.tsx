import { MantineProvider } from "@mantine/core";
import { ModalsProvider } from "@mantine/modals";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { RequireAuth } from "../features/auth/require-auth";
import { NotFoundPage } from "../ui/not-found-page";
import { ConsoleLayout } from "./console-layout";
import { queryClient } from "./query-client";
import { DEFAULT_TAB_PATH, tabs } from "./tabs";
import { theme } from "./theme";

const LoginPage = lazy(async () => ({ default: (await import("../features/auth/login-page")).LoginPage }));
const AccountRoutes = lazy(async () => ({
  default: (await import("../features/account/account-pages")).AccountRoutes,
}));

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <ModalsProvider>
          <Notifications position="top-right" />
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </ModalsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <Suspense>
            <LoginPage />
          </Suspense>
        }
      />
      <Route
        path="/account/*"
        element={
          <Suspense>
            <AccountRoutes />
          </Suspense>
        }
      />
      <Route element={<RequireAuth />}>
        <Route element={<ConsoleLayout />}>
          <Route index element={<Navigate to={DEFAULT_TAB_PATH} replace />} />
          {tabs.map((tab) => (
            <Route key={tab.path} path={`${tab.path}/*`} element={<tab.page />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
