/**
 * AES-256-GCM sealing of one sensitive output value, or of one saved
 * terraform plan file. Layout of a sealed blob: version byte (1) | IV (12) |
 * auth tag (16) | ciphertext. What the blob belongs to (stack and output
 * name; run and stack of a plan) is bound as additional authenticated data,
 * so a sealed blob copied to another row fails to open instead of silently
 * showing up elsewhere.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StackfleetError } from '@stackfleet/core';

const formatVersion = 1;
const ivLength = 12;
const tagLength = 16;
const headerLength = 1 + ivLength + tagLength;

function associatedData(stack: string, name: string): Buffer {
  return Buffer.from(`stackfleet-output\0${stack}\0${name}`, 'utf8');
}

function planAssociatedData(runId: string, stack: string): Buffer {
  return Buffer.from(`stackfleet-plan-file\0${runId}\0${stack}`, 'utf8');
}

function seal(key: Buffer, aad: Buffer, plaintext: Uint8Array): Buffer {
  const iv = randomBytes(ivLength); // fresh per value: GCM must never reuse an IV under one key
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), ciphertext]);
}

/** The plaintext, or undefined when the key (or the bound row) is not the one it was sealed with. */
function open(key: Buffer, aad: Buffer, sealed: Buffer): Buffer | undefined {
  const iv = sealed.subarray(1, 1 + ivLength);
  const tag = sealed.subarray(1 + ivLength, headerLength);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(headerLength)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function isSealedBlob(sealed: Buffer): boolean {
  return sealed.length >= headerLength && sealed[0] === formatVersion;
}

export function sealOutputValue(key: Buffer, stack: string, name: string, value: unknown): Buffer {
  return seal(key, associatedData(stack, name), Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'));
}

export function openOutputValue(key: Buffer, stack: string, name: string, sealed: Buffer): unknown {
  if (!isSealedBlob(sealed)) {
    throw new StackfleetError('E_STATE_CORRUPT', `sensitive output "${name}" of stack "${stack}" is not a sealed value this stackfleet can read`, {
      hint: 'Re-apply the stack to rewrite its outputs.',
    });
  }
  const plaintext = open(key, associatedData(stack, name), sealed);
  if (plaintext === undefined) {
    throw new StackfleetError(
      'E_STATE_KEY',
      `cannot decrypt sensitive output "${name}" of stack "${stack}": the state key is not the one it was encrypted with`,
      { hint: 'Set STACKFLEET_STATE_KEY (or restore <stateDir>/key) to the key used when the stack was applied, or re-apply the stack.' },
    );
  }
  return JSON.parse(plaintext.toString('utf8')) as unknown;
}

/** A terraform plan file as the store keeps it (`plan --save`). */
export function sealPlanFile(key: Buffer, runId: string, stack: string, bytes: Uint8Array): Buffer {
  return seal(key, planAssociatedData(runId, stack), bytes);
}

export function openPlanFile(key: Buffer, runId: string, stack: string, sealed: Buffer): Buffer {
  const plaintext = isSealedBlob(sealed) ? open(key, planAssociatedData(runId, stack), sealed) : undefined;
  if (plaintext === undefined) {
    throw new StackfleetError(
      'E_STATE_KEY',
      `cannot decrypt the saved plan file of stack "${stack}" from run ${runId}: the state key is not the one it was encrypted with`,
      { hint: 'Set STACKFLEET_STATE_KEY to the key of the machine that planned (one key for every machine sharing the store), or plan again with `stackfleet plan --save`.' },
    );
  }
  return plaintext;
}
