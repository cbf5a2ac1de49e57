import { describe, expect, it } from 'vitest';
import { IllegalSupportTransition, isLive, nextCustomerPhase, nextOperatorPhase } from './call-phase';

describe('customer support call', () => {
  it('rings once the offer is sent, connects on accept and ends on hang-up', () => {
    let phase = nextCustomerPhase('preparing', 'offer-sent');
    expect(phase).toBe('ringing');
    phase = nextCustomerPhase(phase, 'accepted');
    expect(phase).toBe('connected');
    expect(nextCustomerPhase(phase, 'hung-up')).toBe('ended');
  });

  it('reads busy when the line answers busy, and stays busy through the closing summary', () => {
    const busy = nextCustomerPhase('ringing', 'busy');
    expect(busy).toBe('busy');
    expect(nextCustomerPhase(busy, 'summary')).toBe('busy');
    expect(isLive(busy)).toBe(false);
  });

  it('ends when the line stops the call or sends its summary', () => {
    expect(nextCustomerPhase('connected', 'stopped')).toBe('ended');
    expect(nextCustomerPhase('ringing', 'summary')).toBe('ended');
  });

  it.each([
    ['preparing', 'accepted'],
    ['preparing', 'busy'],
    ['connected', 'accepted'],
    ['connected', 'busy'],
    ['ended', 'accepted'],
    ['busy', 'accepted'],
  ] as const)('refuses %s + %s by name', (from, event) => {
    expect(() => nextCustomerPhase(from, event)).toThrow(IllegalSupportTransition);
    expect(() => nextCustomerPhase(from, event)).toThrow(`${from} cannot take "${event}"`);
  });
});

describe('operator support call', () => {
  it('answers, connects and ends on hang-up', () => {
    const answering = nextOperatorPhase('incoming', 'answer');
    const connected = nextOperatorPhase(answering, 'answered');
    expect(connected).toBe('connected');
    expect(nextOperatorPhase(connected, 'hung-up')).toBe('ended');
  });

  it('ends when declined or when the line stops ringing', () => {
    expect(nextOperatorPhase('incoming', 'declined')).toBe('ended');
    expect(nextOperatorPhase('incoming', 'stopped')).toBe('ended');
  });

  it.each([
    ['incoming', 'answered'],
    ['incoming', 'hung-up'],
    ['connected', 'answer'],
    ['ended', 'answer'],
    ['ended', 'declined'],
  ] as const)('refuses %s + %s', (from, event) => {
    expect(() => nextOperatorPhase(from, event)).toThrow(IllegalSupportTransition);
  });
});
