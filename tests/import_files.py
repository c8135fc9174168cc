"""Realistic values files for the import tests (plain Python, no Django).

Secret values carry the marker SECRET_MARKER so tests can assert they never come out anywhere.
"""

SECRET_MARKER = "s3cr3t-MARKER-7f3a"

V2_REALISTIC = f"""\
deploymentChart: platform
limitResources: true
nodeSelector:
  polyaxon: core
tolerations:
  - key: polyaxon
    operator: Equal
    value: core
    effect: NoSchedule
affinity: null
gateway:
  replicas: 3
  imageTag: 2.15.1
  resources:
    requests: {{cpu: 500m, memory: 1Gi}}
    limits: {{cpu: "2", memory: 2Gi}}
  service:
    type: ClusterIP
agent:
  resources:
    requests: {{cpu: 200m, memory: 256Mi}}
postgresql:
  enabled: false
externalServices:
  postgresql:
    host: pg.internal.example.com
    port: 5432
    user: polyaxon
    database: polyaxon
    password: "{SECRET_MARKER}-db"
    connMaxAge: 60
    options:
      sslmode: require
artifactsStore:
  name: artifacts
  kind: s3
  schema:
    bucket: s3://acme-artifacts
  secret:
    name: polyaxon-s3
ingress:
  enabled: true
  hostName: polyaxon.example.com
  className: nginx
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
    nginx.ingress.kubernetes.io/proxy-body-size: 4G
  tls:
    - secretName: polyaxon-tls
      hosts: [polyaxon.example.com]
securityContext:
  enabled: true
  runAsUser: 2222
  runAsGroup: 2222
  fsGroup: 2222
  fsGroupChangePolicy: OnRootMismatch
  allowPrivilegeEscalation: false
  runAsNonRoot: true
platformSecret: polyaxon-secrets
polyaxonSecret: "{SECRET_MARKER}-key"
user:
  username: admin
  email: admin@example.com
  password: "{SECRET_MARKER}-admin"
timezone: Europe/Berlin
"""

# The production guide's snippet at 0.6.1, with its nested per-class nodeSelector.
V06_GUIDE = f"""\
nodeSelector:
  core:
    polyaxon: core
  experiments:
    polyaxon: experiments
  jobs:
    polyaxon: experiments
  builds:
    polyaxon: builds
  tensorboards:
    polyaxon: experiments
serviceType: ClusterIP
postgresql:
  enabled: false
externalServices:
  postgresql:
    user: polyaxon
    password: "{SECRET_MARKER}-pg"
    database: polyaxon
    host: 10.0.0.5
    port: 5432
rabbitmq-ha:
  replicaCount: 3
  rabbitmqPassword: "{SECRET_MARKER}-mq"
docker-registry:
  enabled: true
persistence:
  logs:
    existingClaim: polyaxon-logs
  repos:
    existingClaim: polyaxon-repos
  upload:
    existingClaim: polyaxon-upload
  outputs:
    outputs:
      store: s3
      bucket: s3://acme-outputs
      secret: aws-creds
      secretKey: credentials.json
api:
  replicas: 2
ingress:
  enabled: true
  hostName: polyaxon.example.com
  annotations:
    kubernetes.io/ingress.class: nginx
  tls:
    - secretName: polyaxon-tls
      hosts: [polyaxon.example.com]
securityContext:
  enabled: true
  user: 2222
  group: 2222
user:
  username: root
  email: root@example.com
  password: "{SECRET_MARKER}-root"
email:
  host: smtp.example.com
  hostPassword: "{SECRET_MARKER}-smtp"
"""

V2_PITFALLS = """\
nodeSelectors:
  core: {polyaxon: core}
  experiments: {polyaxon: gpu}
defaultScheduling:
  nodeSelector: {polyaxon: workloads}
ingress:
  enabled: true
  hostName: plx.example.com
  extraPaths:
    - path: /*
  tls:
    - secretName: plx-tls
      hosts: [plx.example.com]
ssl:
  enabled: true
  secretName: plx-cert
securityContext:
  enabled: true
  user: 1000
  group: 1000
postgresql:
  persistence:
    size: 50Gi
gateway:
  replicas: 2
ingres:
  enabled: true
"""
