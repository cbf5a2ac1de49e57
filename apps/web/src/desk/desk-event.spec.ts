import { describe, expect, it } from 'vitest';
import { deskEventText } from './desk-event';

describe('deskEventText', () => {
  it('names the operator a chat was assigned or transferred to', () => {
    expect(deskEventText('{"event":"assigned","operatorName":"Bob Example"}')).toBe(
      'Assigned to Bob Example',
    );
    expect(deskEventText('{"event":"transferred","operatorName":"Carol"}')).toBe('Transferred to Carol');
    expect(deskEventText('{"event":"assigned","operatorName":null}')).toBe('Assigned to an operator');
  });

  it('says who closed the chat', () => {
    expect(deskEventText('{"event":"closed","operatorName":"Bob"}')).toBe('Closed by Bob');
  });

  it('says the visitor waits again when nobody has the chat', () => {
    expect(deskEventText('{"event":"unassigned","operatorName":null}')).toBe('Waiting for an operator');
  });

  it('falls back to a neutral line for a body it cannot read', () => {
    expect(deskEventText(undefined)).toBe('Support desk update');
    expect(deskEventText('not json')).toBe('Support desk update');
    expect(deskEventText('"assigned"')).toBe('Support desk update');
    expect(deskEventText('{"event":"closed"}')).toBe('Support desk update');
    expect(deskEventText('{"event":"reopened","operatorName":null}')).toBe('Support desk update');
  });
});
