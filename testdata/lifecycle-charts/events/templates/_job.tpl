{{- /* A hook Job whose single pod exits 1 when .fail is true (sandbox simulate mode). */ -}}
{{- define "lc.job" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  annotations:
    "helm.sh/hook": {{ .hook }}
    "helm.sh/hook-weight": {{ .weight | default "0" | quote }}
    {{- if .policy }}
    "helm.sh/hook-delete-policy": {{ .policy }}
    {{- end }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sandbox.capstan.dev/exit-code: {{ ternary "1" "0" (.fail | default false) | quote }}
        sandbox.capstan.dev/logs: "running {{ .name }}"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo {{ .name }}"]
{{- end -}}
