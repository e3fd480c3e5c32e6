import { ChannelError } from './connector';

const DEFAULT_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export interface LwaCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl?: string;
}

/**
 * Login with Amazon: SP-API calls carry a short-lived access token (one hour) exchanged for the
 * seller's refresh token. Kept until a minute before it expires; `invalidate` after a 403 makes
 * the next call exchange again.
 */
export class LwaToken {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(private readonly credentials: LwaCredentials, private readonly timeoutMs: number) {}

  async get(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt) return this.token.value;
    this.pending ??= this.exchange().finally(() => { this.pending = null; });
    return this.pending;
  }

  invalidate(): void {
    this.token = null;
  }

  private async exchange(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: this.credentials.refreshToken,
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    });
    let response: Response;
    try {
      response = await fetch(this.credentials.tokenUrl || DEFAULT_TOKEN_URL, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: form, signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ChannelError('unreachable', `Login with Amazon: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error_description?: string };
    if (!response.ok || !body.access_token) {
      throw new ChannelError('unreachable', `Login with Amazon refused the refresh token: HTTP ${response.status} ${body.error_description ?? ''}`.trim());
    }
    this.token = { value: body.access_token, expiresAt: Date.now() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 };
    return body.access_token;
  }
}
