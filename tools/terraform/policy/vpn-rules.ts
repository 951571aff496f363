/**
 * Site-to-site VPNs between the clouds (terraform/modules/{aws,azure,gcp}-vpn): IKEv2 only, with
 * AES-256 (IKEv1's aggressive mode and the providers' AES-128/SHA-1 defaults are refused), and no
 * default route through a tunnel: the AWS traffic selectors default to 0.0.0.0/0 on both sides,
 * and a static 0.0.0.0/0 would send every cloud's internet traffic to the other.
 */
import { UNKNOWN } from '../evaluate.ts';
import { attributeRule, equals, type AttributeCheck } from './attribute-checks.ts';
import type { PolicyRule } from './rule.ts';

const OPEN = new Set(['0.0.0.0/0', '::/0']);
const isList = (value: unknown): value is unknown[] => Array.isArray(value);
const only =
  (allowed: readonly unknown[]) =>
  (value: unknown): boolean =>
    value === UNKNOWN ||
    (isList(value) && value.length > 0 && value.every((entry) => allowed.includes(entry)));
const notOpen = (value: unknown): boolean =>
  value === UNKNOWN || (typeof value === 'string' && !OPEN.has(value));
const noOpenEntry = (value: unknown): boolean =>
  value === UNKNOWN || (isList(value) && value.every((entry) => !OPEN.has(String(entry))));

/** One rule applying each resource type's checks. */
function acrossTypes(
  id: string,
  description: string,
  checks: Record<string, AttributeCheck[]>,
): PolicyRule {
  const parts = Object.entries(checks).map(([type, list]) =>
    attributeRule(id, description, type, list),
  );
  return { id, description, check: (input) => parts.flatMap((part) => part.check(input)) };
}

const AES256 = ['AES256', 'AES256-GCM-16'];
const awsTunnel = (tunnel: 1 | 2): AttributeCheck[] => [
  {
    path: `tunnel${tunnel}_ike_versions`,
    expect: '["ikev2"]',
    ok: only(['ikev2']),
    default: ['ikev1', 'ikev2'],
  },
  {
    path: `tunnel${tunnel}_phase1_encryption_algorithms`,
    expect: `only ${AES256.join(' / ')}`,
    ok: only(AES256),
    default: ['AES128', 'AES256', 'AES128-GCM-16', 'AES256-GCM-16'],
  },
  {
    path: `tunnel${tunnel}_phase2_encryption_algorithms`,
    expect: `only ${AES256.join(' / ')}`,
    ok: only(AES256),
    default: ['AES128', 'AES256', 'AES128-GCM-16', 'AES256-GCM-16'],
  },
];

export const vpnIkeRule = acrossTypes(
  'TF-VPN-IKEV2',
  'Site-to-site VPN tunnels negotiate IKEv2 only, with AES-256 (AWS, Azure and Google Cloud ends).',
  {
    aws_vpn_connection: [...awsTunnel(1), ...awsTunnel(2)],
    azurerm_virtual_network_gateway_connection: [
      { path: 'connection_protocol', expect: '"IKEv2"', ok: equals('IKEv2'), default: 'IKEv2' },
      {
        path: 'ipsec_policy.ike_encryption',
        expect: 'AES256 or GCMAES256 (a custom ipsec_policy; the default one offers weaker)',
        ok: (value) => value === UNKNOWN || value === 'AES256' || value === 'GCMAES256',
      },
    ],
    google_compute_vpn_tunnel: [{ path: 'ike_version', expect: '2', ok: equals(2), default: 2 }],
  },
);

export const vpnRoutesRule = acrossTypes(
  'TF-VPN-ROUTES',
  'No VPN carries a default route: AWS traffic selectors are the private ranges (not the 0.0.0.0/0 default), no static route or local network gateway covers 0.0.0.0/0.',
  {
    aws_vpn_connection: [
      {
        path: 'local_ipv4_network_cidr',
        expect: 'the peer private range',
        ok: notOpen,
        default: '0.0.0.0/0',
      },
      {
        path: 'remote_ipv4_network_cidr',
        expect: 'the VPC range',
        ok: notOpen,
        default: '0.0.0.0/0',
      },
    ],
    aws_vpn_connection_route: [
      { path: 'destination_cidr_block', expect: 'a private range', ok: notOpen },
    ],
    azurerm_local_network_gateway: [
      { path: 'address_space', expect: 'no 0.0.0.0/0', ok: noOpenEntry, default: [] },
    ],
    google_compute_route: [{ path: 'dest_range', expect: 'a private range', ok: notOpen }],
  },
);

export const vpnRules: PolicyRule[] = [vpnIkeRule, vpnRoutesRule];
