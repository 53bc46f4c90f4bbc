{{/* Chart name, truncated to the 63 characters a label allows. */}}
{{- define "task-api.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name: "<release>-task-api", or the release name when it already contains the chart name. */}}
{{- define "task-api.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "task-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "task-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "task-api.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "task-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The database Secret's data, shared by the regular Secret (used by the API) and its hook copy
(used by the hooks: a pre-install hook runs before the release's regular resources exist).
*/}}
{{- define "task-api.dbSecretData" -}}
username: {{ .Values.database.user | toString | b64enc | quote }}
password: {{ .Values.database.password | toString | b64enc | quote }}
{{- end }}

{{/* Name of the hook copy of the database Secret. */}}
{{- define "task-api.hookSecretName" -}}
{{ include "task-api.fullname" . }}-hook-db
{{- end }}

{{/*
Environment of every hook container: endpoints from values, credentials from the hook Secret.
psql and pg_dump read PGPASSWORD, so the password never appears on a command line.
*/}}
{{- define "task-api.hookEnv" -}}
- name: DB_HOST
  value: {{ .Values.database.host | quote }}
- name: DB_PORT
  value: {{ .Values.database.port | quote }}
- name: DB_NAME
  value: {{ .Values.database.name | quote }}
- name: DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "task-api.hookSecretName" . }}
      key: username
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "task-api.hookSecretName" . }}
      key: password
- name: REDIS_HOST
  value: {{ .Values.redis.host | quote }}
- name: REDIS_PORT
  value: {{ .Values.redis.port | quote }}
- name: BACKUP_DIR
  value: {{ .Values.backup.dir | quote }}
- name: RELEASE
  value: {{ .Release.Name | quote }}
- name: REVISION
  value: {{ .Release.Revision | quote }}
{{- end }}

{{/*
The pod spec of one hook. Arguments (a dict): root (the top context), name (container
name), image, script (shell text run with `sh -c`), and optionally backup (true mounts the
backup volume at backup.dir). The script runs with `sh -c` under `set -e`, so that the
sandbox's `--exec local` mode can run it on the host too and any failing command fails the hook.
*/}}
{{- define "task-api.hookPodSpec" -}}
{{- $root := .root -}}
restartPolicy: Never
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 70
  runAsGroup: 70
  fsGroup: 70
containers:
  - name: {{ .name }}
    image: {{ .image }}
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c"]
    args:
      - |
        set -e
        {{- .script | trim | nindent 8 }}
    env:
      {{- include "task-api.hookEnv" $root | nindent 6 }}
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
    resources:
      {{- toYaml $root.Values.hookResources | nindent 6 }}
    {{- if .backup }}
    volumeMounts:
      - name: backup
        mountPath: {{ $root.Values.backup.dir }}
    {{- end }}
{{- if .backup }}
volumes:
  - name: backup
    {{- if $root.Values.backup.existingClaim }}
    persistentVolumeClaim:
      claimName: {{ $root.Values.backup.existingClaim }}
    {{- else }}
    emptyDir: {}
    {{- end }}
{{- end }}
{{- end }}

{{/*
One hook Job. Arguments (a dict): those of task-api.hookPodSpec plus hook (events), weight,
deletePolicy, optionally backoffLimit (defaults to hookJob.backoffLimit) and simulate (pod
annotations from task-api.simulated).
*/}}
{{- define "task-api.hookJob" -}}
{{- $root := .root -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "task-api.fullname" $root }}-{{ .name }}
  labels:
    {{- include "task-api.labels" $root | nindent 4 }}
    app.kubernetes.io/component: hook-{{ .name }}
  annotations:
    helm.sh/hook: {{ .hook }}
    helm.sh/hook-weight: {{ .weight | quote }}
    helm.sh/hook-delete-policy: {{ .deletePolicy }}
spec:
  backoffLimit: {{ hasKey . "backoffLimit" | ternary .backoffLimit $root.Values.hookJob.backoffLimit }}
  activeDeadlineSeconds: {{ $root.Values.hookJob.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "task-api.selectorLabels" $root | nindent 8 }}
        app.kubernetes.io/component: hook-{{ .name }}
      {{- with .simulate }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      {{- include "task-api.hookPodSpec" . | nindent 6 }}
{{- end }}

{{/* The psql command line every SQL hook uses; the password comes from PGPASSWORD. */}}
{{- define "task-api.psql" -}}
psql "host=$DB_HOST port=$DB_PORT dbname=$DB_NAME user=$DB_USER" -v ON_ERROR_STOP=1 -X -q
{{- end }}

{{/*
The outcome capstan's sandbox gives a pod in its default simulate mode, where nothing runs
(`capstan demo`): the exit code and log line the script itself would give. Arguments (a
dict): exitCode, log. Only the sandbox reads these annotations; a real cluster and the
sandbox's `--exec local` mode run the script and ignore them.
*/}}
{{- define "task-api.simulated" -}}
sandbox.capstan.dev/exit-code: {{ .exitCode | quote }}
sandbox.capstan.dev/logs: {{ .log | quote }}
{{- end }}
