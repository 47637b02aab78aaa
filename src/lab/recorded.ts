// Outputs recorded in the field incidents for faults the lab must not cause live: filling the
// conntrack table would change this machine's global firewall state for every process on it.

import type { RecordedOutput } from './types';

const incident000 = 'field-incidents/000 (Nacos heartbeats time out), section 3';
const incident001 = 'field-incidents/001 (nginx upstream timed out), dmesg';

const recordings: Record<string, { summary: string; outputs: RecordedOutput[] }> = {
  'conntrack-full': {
    summary: 'The conntrack table is full and the kernel drops packets (incidents 000 and 001); recorded, never reproduced live.',
    outputs: [
      {
        command: 'tail -500f /var/log/messages',
        source: incident000,
        output: [
          'Aug 12 01:18:23 localhost kernel: net_ratelimit: 274 callbacks suppressed',
          ...Array.from({ length: 10 }, () => 'Aug 12 01:18:23 localhost kernel: nf_conntrack: table full, dropping packet'),
          'Aug 12 01:18:27 localhost Keepalived_healthcheckers[1082]: TCP connection to [192.168.201.90]:22001 timeout.',
          '',
        ].join('\n'),
      },
      { command: 'cat /proc/sys/net/netfilter/nf_conntrack_max', source: incident000, output: '65535\n' },
      { command: 'cat /proc/sys/net/netfilter/nf_conntrack_count', source: incident000, output: '67549\n' },
      { command: 'netstat -an | grep ESTABLISHED | wc -l', source: incident000, output: '1237\n' },
      { command: 'dmesg', source: incident001, output: 'ip_conntrack: table full, dropping packet\n' },
    ],
  },
};

export function listRecordings(): { name: string; summary: string }[] {
  return Object.entries(recordings).map(([name, { summary }]) => ({ name, summary }));
}

/** The incident's own outputs for `name`; throws naming the recordings there are. */
export function recordedOutputs(name: string): RecordedOutput[] {
  const recording = recordings[name];
  if (!recording) {
    throw new Error(`lab: no recorded outputs for "${name}"; recorded: ${Object.keys(recordings).join(', ')}.`);
  }
  return recording.outputs.map((output) => ({ ...output }));
}
