{{- define "w.meta" -}}
name: {{ .name }}
annotations:
  "helm.sh/hook": pre-install,pre-upgrade
  "helm.sh/hook-weight": {{ .weight | quote }}
  "helm.sh/hook-delete-policy": {{ .policy | default "before-hook-creation,hook-succeeded" }}
{{- end -}}
{{- define "w.job" -}}
apiVersion: batch/v1
kind: Job
metadata:
  {{- include "w.meta" . | nindent 2 }}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
{{- end -}}
