/**
 * AES-256-GCM sealing of one sensitive output value. Layout of a sealed blob:
 * version byte (1) | IV (12) | auth tag (16) | ciphertext. The stack and output
 * name are bound as additional authenticated data, so a sealed value copied to
 * another row fails to open instead of silently showing up elsewhere.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StackfleetError } from '@stackfleet/core';

const formatVersion = 1;
const ivLength = 12;
const tagLength = 16;

function associatedData(stack: string, name: string): Buffer {
  return Buffer.from(`stackfleet-output\0${stack}\0${name}`, 'utf8');
}

export function sealOutputValue(key: Buffer, stack: string, name: string, value: unknown): Buffer {
  const iv = randomBytes(ivLength); // fresh per value: GCM must never reuse an IV under one key
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(stack, name));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value) ?? 'null', 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([formatVersion]), iv, cipher.getAuthTag(), ciphertext]);
}

export function openOutputValue(key: Buffer, stack: string, name: string, sealed: Buffer): unknown {
  const headerLength = 1 + ivLength + tagLength;
  if (sealed.length < headerLength || sealed[0] !== formatVersion) {
    throw new StackfleetError('E_STATE_CORRUPT', `sensitive output "${name}" of stack "${stack}" is not a sealed value this stackfleet can read`, {
      hint: 'Re-apply the stack to rewrite its outputs.',
    });
  }
  const iv = sealed.subarray(1, 1 + ivLength);
  const tag = sealed.subarray(1 + ivLength, headerLength);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(associatedData(stack, name));
  decipher.setAuthTag(tag);
  let plaintext: string;
  try {
    plaintext = Buffer.concat([decipher.update(sealed.subarray(headerLength)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new StackfleetError(
      'E_STATE_KEY',
      `cannot decrypt sensitive output "${name}" of stack "${stack}": the state key is not the one it was encrypted with`,
      {
        hint: 'Set STACKFLEET_STATE_KEY (or restore <stateDir>/key) to the key used when the stack was applied, or re-apply the stack.',
        cause: error,
      },
    );
  }
  return JSON.parse(plaintext) as unknown;
}
