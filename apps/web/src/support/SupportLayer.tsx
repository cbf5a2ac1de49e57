import { useEffect } from 'react';
import { startRingtone } from '../notifications/sounds';
import { OperatorCallCard } from './OperatorCallCard';
import './support.css';
import { SupportCallPanel } from './SupportCallPanel';
import { useSupport } from './support-context';

/**
 * Support calls in the corner, wherever the user is: the customer's call panel, and the operator's ringing
 * or active call while the console is closed (the console shows it itself).
 */
export function SupportLayer({ consoleOpen }: { consoleOpen: boolean }) {
  const support = useSupport();
  const ringingCallId =
    support?.state.operatorCall?.phase === 'incoming' ? support.state.operatorCall.callId : undefined;
  // The ringtone plays while a support call rings this operator, in the console or not.
  useEffect(() => (ringingCallId ? startRingtone() : undefined), [ringingCallId]);
  if (!support) return null;
  const { customerCall, operatorCall } = support.state;
  if (!customerCall && (!operatorCall || consoleOpen)) return null;
  return (
    <div className="call-layer support-layer">
      {customerCall && <SupportCallPanel />}
      {operatorCall && !consoleOpen && <OperatorCallCard desk={support.desk} call={operatorCall} />}
    </div>
  );
}
