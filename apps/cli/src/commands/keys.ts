import { CHECKPOINT_KEY_NAME, checkpointSigner, formatVerifierKey, SUBJECT_KEY_NAME } from '@dinhdanh/audit';
import { WEBHOOK_KEY_NAME } from '@dinhdanh/exchange';
import { FileKeyStore, loadConfig } from '@dinhdanh/kernel';
import { loadProviderKeys, rotateProviderKeys } from '@dinhdanh/oidc';
import type { Command } from 'commander';
import { usageError } from '../output.ts';

const secrets = ['officer-token', 'identity-codes', 'oidc-cookie', 'oidc-pairwise', SUBJECT_KEY_NAME];
const signingKeys = [CHECKPOINT_KEY_NAME, WEBHOOK_KEY_NAME];
/** The OpenID provider's ES256 + PS256 signing keys (a JWKS file beside the key store). */
const OIDC_KEYS = 'oidc';

/** A file key store that may create keys: these commands are how production provisions them. */
function provisioningStore(): FileKeyStore {
  return new FileKeyStore(loadConfig().keysDir, { allowCreate: true });
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('Keys in the file key store (DINHDANH_KEYS_DIR)');

  keys
    .command('init')
    .description('Create every key the platform needs that does not exist yet (idempotent)')
    .action(async () => {
      const store = provisioningStore();
      for (const name of secrets) await store.secret(name);
      for (const name of signingKeys) await store.signingKey(name);
      await loadProviderKeys(store.dir, { allowCreate: true });
      const signer = await checkpointSigner(store);
      process.stdout.write(
        `keys ready in ${store.dir}\naudit checkpoint verifier key (publish it for auditors and wallets):\n` +
          `${formatVerifierKey({ name: signer.name, publicKey: signer.publicKey })}\n`,
      );
    });

  keys
    .command('rotate <name>')
    .description(
      `Make a new current signing key (${[...signingKeys, OIDC_KEYS].join(', ')}); the old one stays to verify what it signed`,
    )
    .action(async (name: string) => {
      const store = provisioningStore();
      if (name === OIDC_KEYS) {
        // The previous keys stay in the published JWKS, so ID tokens already issued still verify;
        // running servers pick the new keys up at their next start.
        const { kids } = await rotateProviderKeys(store.dir);
        process.stdout.write(
          `rotated the OpenID provider's signing keys (the previous generation stays published); new kids: ${kids.join(', ')}\n`,
        );
        return;
      }
      if (!signingKeys.includes(name))
        usageError(`only signing keys rotate: ${[...signingKeys, OIDC_KEYS].join(', ')}`);
      await store.rotateSigningKey(name);
      if (name !== CHECKPOINT_KEY_NAME) {
        // Every version stays in GET /api/exchange/v1/webhook-keys, so receivers verify old and new.
        process.stdout.write(`rotated ${name}; the previous key stays published for verifiers\n`);
        return;
      }
      const signer = await checkpointSigner(store);
      process.stdout.write(
        `rotated ${name}; new verifier key:\n${formatVerifierKey({ name: signer.name, publicKey: signer.publicKey })}\n`,
      );
    });
}
