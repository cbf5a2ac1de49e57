import { describe, expect, it } from 'vitest';
import { DESK_MESSAGE_MIME_TYPE } from '@parley/protocol';
import { deskLine } from './desk-line.js';

const desk = (body: string) => ({ parts: [{ mimeType: DESK_MESSAGE_MIME_TYPE, body }] });

describe('deskLine', () => {
  it('says which operator joined, took over, or that the visitor waits again', () => {
    expect(deskLine(desk('{"event":"assigned","operatorName":"Bob"}'))).toBe('Bob joined');
    expect(deskLine(desk('{"event":"transferred","operatorName":"Carol"}'))).toBe('Transferred to Carol');
    expect(deskLine(desk('{"event":"unassigned","operatorName":null}'))).toBe('Waiting for an operator');
    expect(deskLine(desk('{"event":"closed","operatorName":"Bob"}'))).toBe(
      'Bob closed this chat. Write again any time.',
    );
    expect(deskLine(desk('{"event":"assigned","operatorName":null}'))).toBe('An operator joined');
  });

  it('is undefined for an ordinary message', () => {
    expect(deskLine({ parts: [{ mimeType: 'text/plain', body: 'hi' }] })).toBeUndefined();
  });

  it('shows a neutral line for a desk message it cannot read', () => {
    expect(deskLine(desk('not json'))).toBe('The support desk updated this conversation');
    expect(deskLine(desk('{"event":"closed"}'))).toBe('The support desk updated this conversation');
  });
});
