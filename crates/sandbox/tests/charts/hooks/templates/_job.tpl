{{- define "hookjob" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  annotations:
    "helm.sh/hook": {{ .hook }}
    "helm.sh/hook-weight": {{ .weight | quote }}
    "helm.sh/hook-delete-policy": {{ .policy }}
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sandbox.capstan.dev/exit-code: {{ .exit | default "0" | quote }}
        sandbox.capstan.dev/logs: "running {{ .name }}"
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "echo {{ .name }}"]
{{- end -}}
