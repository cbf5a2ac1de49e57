import { freePort } from '@parley/testing';

export interface SuitePorts {
  web: number;
  messaging: number;
  terminal: number;
  terminalGrpc: number;
  voiceProxy: number;
  webhookGateway: number;
  /** The plain page the live-chat spec serves with the widget on it (an origin other than the app's). */
  widgetPage: number;
}

async function port(variable: string): Promise<number> {
  process.env[variable] ??= String(await freePort());
  return Number(process.env[variable]);
}

/**
 * The suite's ports: E2E_*_PORT when set, otherwise free ports picked once by the Playwright runner and
 * handed to its workers through the environment (as the namespace is), so two runs on one machine, or a
 * run beside `npm start`, never answer each other's health checks.
 */
export async function suitePorts(): Promise<SuitePorts> {
  return {
    web: await port('E2E_WEB_PORT'),
    messaging: await port('E2E_MESSAGING_PORT'),
    terminal: await port('E2E_TERMINAL_PORT'),
    terminalGrpc: await port('E2E_TERMINAL_GRPC_PORT'),
    voiceProxy: await port('E2E_VOICE_PROXY_PORT'),
    webhookGateway: await port('E2E_WEBHOOK_GATEWAY_PORT'),
    widgetPage: await port('E2E_WIDGET_PAGE_PORT'),
  };
}
